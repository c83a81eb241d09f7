// LineSplitter: framing must not depend on where the slices are cut.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter, type LineSink } from '../../engine/io/lineSplitter';

interface Got {
  lines: [number, number, string][];
  long: [number, number, number][];
}

function split(input: Uint8Array, cuts: number[], max?: number): Got {
  const got: Got = { lines: [], long: [] };
  const sink: LineSink = {
    onLine: (buf, s, e, lineNo, off) => got.lines.push([lineNo, off, Buffer.from(buf.subarray(s, e)).toString('latin1')]),
    onOverlongLine: (lineNo, off, len) => got.long.push([lineNo, off, len]),
  };
  const sp = new LineSplitter(sink, max);
  let prev = 0;
  for (const c of [...cuts, input.length]) {
    sp.push(input.subarray(prev, c));
    prev = c;
  }
  sp.end();
  return got;
}

test('every cut position gives the same lines, offsets and numbers', () => {
  const text = 'alpha\r\nbeta\n\ngamma delta\nlast-without-newline';
  const input = Buffer.from(text, 'latin1');
  const whole = split(input, []);
  assert.deepEqual(whole.lines, [
    [1, 0, 'alpha'],
    [2, 7, 'beta'],
    [3, 12, ''],
    [4, 13, 'gamma delta'],
    [5, 25, 'last-without-newline'],
  ]);
  for (let a = 0; a <= input.length; a++) {
    for (let b = a; b <= input.length; b += 3) {
      assert.deepEqual(split(input, [a, b]).lines, whole.lines, `cuts ${a},${b}`);
    }
  }
});

test('a line over the limit is reported once and skipped, the rest goes on', () => {
  const long = 'x'.repeat(5000);
  const input = Buffer.from(`one\n${long}\nthree\n`, 'latin1');
  for (const cuts of [[], [2], [100], [4000, 4500], [10, 20, 30, 40, 5003]]) {
    const got = split(input, cuts, 1000);
    assert.deepEqual(got.long, [[2, 4, 5000]], `cuts ${cuts.join(',')}`);
    assert.deepEqual(
      got.lines.map((l) => [l[0], l[2]]),
      [
        [1, 'one'],
        [3, 'three'],
      ],
    );
  }
});

test('an overlong final line without newline is reported at end()', () => {
  const got = split(Buffer.from('ok\n' + 'y'.repeat(50), 'latin1'), [10], 20);
  assert.deepEqual(got.long, [[2, 3, 50]]);
});
