// visitLines (the page's lines read in runs) against a plain split of the text: lines near each other and far
// apart, CRLF endings, empty lines, a line longer than the 1 MiB limit (given cut), the last line without a
// newline, and lines past the end; on a file on disk (samples/10) and on bytes in memory.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileSource, MemorySource, type ByteSource } from '../../engine/input/byteSource';
import { LineReader } from '../../engine/query/lineReader';
import { visitLines } from '../../engine/query/pageLines';
import { LineIndex } from '../../engine/store/lineIndex';
import { samplesDir } from './helpers/paths';

const LIMIT = 1024 * 1024;

/** A reader with a checkpoint every 64 lines, computed from the text. */
function readerOf(source: ByteSource, bytes: Uint8Array): { reader: LineReader; lines: string[] } {
  const index = new LineIndex();
  let line = 1;
  index.add(1, 0);
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 10) continue;
    line++;
    if (line % 64 === 1 && i + 1 < bytes.length) index.add(line, i + 1);
  }
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { reader: new LineReader(source, index, lines.length), lines: lines.map((l) => l.replace(/\r$/, '')) };
}

function check(source: ByteSource, bytes: Uint8Array, picks: number[], what: string): void {
  const { reader, lines } = readerOf(source, bytes);
  const want = Uint32Array.from(picks);
  const got: string[] = [];
  const cuts: boolean[] = [];
  visitLines(reader, source, want, (i, b, cut) => {
    assert.equal(i, got.length, `${what}: in order`);
    got.push(Buffer.from(b).toString('latin1'));
    cuts.push(cut);
  });
  assert.equal(got.length, picks.length);
  picks.forEach((n, i) => {
    const full = lines[n - 1] ?? '';
    assert.equal(cuts[i], full.length > LIMIT, `${what}: line ${n} cut`);
    assert.equal(got[i], full.slice(0, LIMIT), `${what}: line ${n}`);
  });
}

test('visitLines: samples/10 from disk, near and far lines, every line, lines past the end', async () => {
  const file = path.join(samplesDir, '10-nowait-partial-read', 'trace.txt');
  const bytes = readFileSync(file);
  const source = await FileSource.open(file);
  try {
    const n = bytes.toString('latin1').split('\n').length - 1;
    check(source, bytes, Array.from({ length: n }, (_, i) => i + 1), 'every line');
    check(source, bytes, [1, 2, 3, 70, 71, 500, 501, 1400, 2100, n], 'scattered');
    check(source, bytes, [5, n, n + 1, n + 5], 'past the end');
    const every7: number[] = [];
    for (let l = 3; l <= n; l += 7) every7.push(l);
    check(source, bytes, every7, 'every 7th');
  } finally {
    await source.close();
  }
});

test('visitLines: CRLF, empty lines, a 2.5 MiB line, no final newline (in memory)', () => {
  const parts: string[] = [];
  for (let i = 1; i <= 300; i++) {
    if (i === 150) parts.push('x'.repeat(2.5 * LIMIT));
    else if (i % 10 === 0) parts.push('');
    else parts.push(`line ${i} ${'y'.repeat(i % 37)}${i % 3 === 0 ? '\r' : ''}`);
  }
  const bytes = Buffer.from(parts.join('\n'), 'latin1');
  const source = new MemorySource('mem', bytes);
  check(source, bytes, Array.from({ length: 300 }, (_, i) => i + 1), 'every line');
  check(source, bytes, [148, 149, 150, 151, 152, 300], 'around the long line');
  check(source, bytes, [150], 'the long line alone');
  check(source, bytes, [1, 299, 300, 301], 'the last line without a newline');
});
