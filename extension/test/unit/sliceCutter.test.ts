// SliceCutter: slices of complete lines whatever the chunking; over-long lines skipped without buffering.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SliceCutter, type SliceItem } from '../../engine/input/sliceCutter';

/** Splits input into chunks at `cuts`, returns the items' lines (text) with their file offsets. */
function run(input: Uint8Array, cuts: number[], sliceBytes: number, max: number): { lines: [number, string][]; overlong: [number, number][]; unterminated: boolean } {
  const cutter = new SliceCutter(sliceBytes, max);
  const items: SliceItem[] = [];
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    items.push(...cutter.push(input.subarray(prev, c)));
    prev = c;
  }
  items.push(...cutter.end());
  const lines: [number, string][] = [];
  const overlong: [number, number][] = [];
  let unterminated = false;
  let expectOffset = 0;
  for (const it of items) {
    assert.equal(it.fileOffset, expectOffset, 'items are contiguous');
    if (it.kind === 'overlong') {
      overlong.push([it.fileOffset, it.length]);
      expectOffset += it.length + 1;
      continue;
    }
    const text = Buffer.from(it.bytes).toString('latin1');
    if (!it.unterminatedLast) assert.ok(text.endsWith('\n'), 'a slice ends with a newline');
    unterminated ||= it.unterminatedLast;
    let off = it.fileOffset;
    const parts = text.split('\n');
    if (parts[parts.length - 1] === '') parts.pop();
    for (const p of parts) {
      lines.push([off, p]);
      off += p.length + 1;
    }
    expectOffset += it.bytes.length;
  }
  return { lines, overlong, unterminated };
}

test('the same lines and offsets whatever the chunk boundaries and slice size', () => {
  const text = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(i % 7)}`).join('\n') + '\nlast-without-newline';
  const input = Buffer.from(text, 'latin1');
  const whole = run(input, [], 1 << 20, 1 << 20);
  assert.equal(whole.lines.length, 41);
  assert.equal(whole.unterminated, true);
  for (const sliceBytes of [8, 16, 64, 100]) {
    for (let a = 0; a < input.length; a += 5) {
      const got = run(input, [a, Math.min(input.length, a + 13)], sliceBytes, 1 << 20);
      assert.deepEqual(got.lines, whole.lines, `slice ${sliceBytes} cut ${a}`);
    }
  }
});

test('a line longer than the limit and the buffer becomes one overlong item and the rest goes on', () => {
  // (A long line that fits the slice buffer stays in its slice; the SliceParser skips it.)
  const input = Buffer.from(`one\n${'y'.repeat(200_000)}\nthree\n`, 'latin1');
  for (const cuts of [[], [2], [100], [70_000, 150_000], [10, 20, 30, 40, 200_003]]) {
    const got = run(input, cuts, 64, 1000);
    assert.deepEqual(got.overlong, [[4, 200_000]], `cuts ${cuts.join(',')}`);
    assert.deepEqual(
      got.lines.map((l) => l[1]),
      ['one', 'three'],
    );
  }
});

test('an overlong final line without newline is reported at end()', () => {
  const got = run(Buffer.from('ok\n' + 'z'.repeat(100_000), 'latin1'), [10], 32, 100);
  assert.deepEqual(got.overlong, [[3, 100_000]]);
  assert.deepEqual(got.lines, [[0, 'ok']]);
});
