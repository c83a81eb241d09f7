// linesAt: the text of scattered lines (the matches of a filter, a filtered view's window) read with one
// forward scan, compared with the raw files split independently: samples/10 in both spellings, and the
// malformed samples (CRLF, a 1 MiB line, invalid UTF-8, a truncated last line); fileHead against the model.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { analyzeFile, closeModel } from '../../engine/analyze';
import type { FileModel } from '../../engine/model/fileModel';
import { fileHead } from '../../engine/query/fileHead';
import { ModelQueries } from '../../engine/query/modelQueries';
import { samplesDir } from './helpers/paths';

const models: FileModel[] = [];
after(async () => {
  for (const m of models) await closeModel(m);
});

async function queries(file: string): Promise<ModelQueries> {
  const m = await analyzeFile(file);
  models.push(m);
  return new ModelQueries(m);
}

/** The file's lines as a reader would split them: on `\n`, one `\r` before it dropped, UTF-8 decoded. */
function rawLines(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

for (const spelling of ['trace.txt', 'report.txt']) {
  test(`linesAt: samples/10 ${spelling}: every 3rd line, a sparse set, neighbours, and lines past the end`, async () => {
    const file = path.join(samplesDir, '10-nowait-partial-read', spelling);
    const r = rawLines(file);
    const q = await queries(file);
    const every3 = r.map((_, i) => i + 1).filter((n) => n % 3 === 1);
    assert.deepEqual(q.linesAt(every3), every3.map((n) => r[n - 1]));
    const sparse = [1, 2, 200, 201, 1000, 1999, r.length];
    assert.deepEqual(q.linesAt(sparse), sparse.map((n) => r[n - 1]));
    assert.deepEqual(q.linesAt([r.length, r.length + 1, r.length + 50]), [r[r.length - 1], '', '']);
    assert.deepEqual(q.linesAt([]), []);
  });
}

for (const name of ['m01-truncated-last-line.txt', 'm03-crlf.txt', 'm04-long-line.txt', 'm05-invalid-utf8.txt']) {
  test(`linesAt: samples/90 ${name}: the same text as a window of every line`, async () => {
    const file = path.join(samplesDir, '90-malformed', name);
    const q = await queries(file);
    const all = q.lines(1, 1_000_000);
    const n = all.totalLines;
    const every = Array.from({ length: n }, (_, i) => i + 1);
    assert.deepEqual(q.linesAt(every), all.lines);
    const odd = every.filter((x) => x % 2 === 1);
    assert.deepEqual(q.linesAt(odd), odd.map((x) => all.lines[x - 1]));
    if (name === 'm03-crlf.txt' || name === 'm01-truncated-last-line.txt') assert.deepEqual(all.lines, rawLines(file));
  });
}

// fileHead: a large file's first window, read before any analysis, must be the text the model's window gives.
for (const rel of ['10-nowait-partial-read/report.txt', '90-malformed/m01-truncated-last-line.txt', '90-malformed/m03-crlf.txt', '90-malformed/m04-long-line.txt', '90-malformed/m05-invalid-utf8.txt']) {
  test(`fileHead: samples/${rel}: the first lines as the model's window reads them, and no line past the end`, async () => {
    const file = path.join(samplesDir, rel);
    const q = await queries(file);
    const all = q.lines(1, 1_000_000);
    assert.ok(all.totalLines > 3);
    assert.deepEqual(await fileHead(file, 3), all.lines.slice(0, 3));
    assert.deepEqual(await fileHead(file, all.totalLines + 100), all.lines);
    assert.deepEqual(await fileHead(file, 0), []);
  });
}
