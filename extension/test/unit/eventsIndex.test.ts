// The event table's engine side (webview/DESIGN.md step 8) on real recordings, against the raw text: the
// `text` filter is what `grep -F` finds on the event lines; a page's columns (time since the first event,
// delta to the previous match, device, inode, payload text, the request of each line) are those of the raw
// lines, in arrays of exactly the page's length; `rowIndexOfLine` agrees with a linear scan of the raw
// matches for every line of the file; an asynchronous text scan gives the same rows, in slices, and stops
// when cancelled. Expected values come from the file's lines (helpers/rawTrace.ts regexes), never from
// iolens.
//
// samples/10-nowait-partial-read (README): xfs on loop0 (7:0), file ino 131 (0x83); pid 3039 is the
// preadv2 RWF_NOWAIT reader (STEP 1); 2180 events in both spellings.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { analyzeBytes, analyzeFile, closeModel } from '../../engine/analyze';
import type { EventFilter, EventPage } from '../../engine/contracts/query';
import type { FileModel } from '../../engine/model/fileModel';
import { ModelQueries } from '../../engine/query/modelQueries';
import { samplesDir } from './helpers/paths';
import { HEADER, devOf, raw, type RawEvent, type RawFile } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const S01 = path.join(samplesDir, '01-layouts-xfs');
const S21 = path.join(samplesDir, '21-btrfs-ordered-wait');
const FILES = [path.join(S10, 'trace.txt'), path.join(S10, 'report.txt'), path.join(S01, 'trace.txt'), path.join(S21, 'report.txt')];

const models = new Map<string, Promise<FileModel>>();
function queries(file: string): Promise<ModelQueries> {
  let m = models.get(file);
  if (m === undefined) models.set(file, (m = analyzeFile(file)));
  return m.then((model) => new ModelQueries(model));
}
after(async () => {
  for (const m of models.values()) await closeModel(await m);
});

/** The raw event lines that contain `text` (what `grep -F text` keeps of the event lines). */
function grepEvents(r: RawFile, text: string, ignoreCase = false): number[] {
  const t = ignoreCase ? text.toLowerCase() : text;
  return r.events.filter((e) => (ignoreCase ? r.lines[e.line - 1]!.toLowerCase() : r.lines[e.line - 1]!).includes(t)).map((e) => e.line);
}

/** Every column of a page has exactly `n` elements, in a buffer of its own (typed arrays travel whole). */
function checkLengths(p: EventPage, n: number): void {
  const cols = { row: p.row, line: p.line, tsNs: p.tsNs, sinceStartNs: p.sinceStartNs, deltaNs: p.deltaNs, cpu: p.cpu, pid: p.pid, comm: p.comm, event: p.event, request: p.request, dev: p.dev, ino: p.ino };
  for (const [name, a] of Object.entries(cols)) {
    assert.equal(a.length, n, `${name} length`);
    assert.equal(a.buffer.byteLength, a.byteLength, `${name} is not a view of a larger buffer`);
  }
  if (p.payload !== undefined) assert.equal(p.payload.length, n, 'payload length');
}

for (const file of FILES) {
  const name = `${path.basename(path.dirname(file))}/${path.basename(file)}`;

  test(`text filter: ${name}: the matches are the event lines grep -F finds, alone and with other conditions`, async () => {
    const r = raw(file);
    const q = await queries(file);
    const busiest = [...r.events.reduce((m, e) => m.set(e.pid, (m.get(e.pid) ?? 0) + 1), new Map<number, number>())].sort((a, b) => b[1] - a[1])[0]![0];
    const texts = ['block_rq_issue', 'block_rq_complete:', ' + 8 ', '7,0 R', 'dev 7:0', 'ino 0x83', '-' + String(busiest) + ' ', '[001]', 'no such text anywhere', ':'];
    for (const text of texts) {
      const want = grepEvents(r, text);
      const p = q.eventsPage({ text }, 0, 100_000)!;
      assert.equal(p.total, want.length, `${text}: total`);
      assert.deepEqual([...p.line], want, `${text}: lines`);
      // The asynchronous path (the engine worker's) gives the same rows.
      const a = (await q.eventsPageAsync({ text }, 0, 100_000))!;
      assert.deepEqual([...a.line], want, `${text}: lines (async)`);
    }
    // Ignoring case.
    assert.deepEqual([...q.eventsPage({ text: 'BLOCK_RQ_ISSUE', textIgnoreCase: true }, 0, 100_000)!.line], grepEvents(r, 'block_rq_issue', true));
    assert.equal(q.eventsPage({ text: 'BLOCK_RQ_ISSUE' }, 0, 0)!.total, grepEvents(r, 'BLOCK_RQ_ISSUE').length);
    // An empty text is no condition; a text with a newline matches nothing.
    assert.equal(q.eventsPage({ text: '' }, 0, 0)!.total, r.events.length);
    assert.equal(q.eventsPage({ text: 'a\nb' }, 0, 0)!.total, 0);
    // With other conditions: both must hold.
    const both = r.events.filter((e) => e.pid === busiest && r.lines[e.line - 1]!.includes('[00')).map((e) => e.line);
    assert.deepEqual([...q.eventsPage({ pids: [busiest], text: '[00' }, 0, 100_000)!.line], both);
    // A text that extends a cached one (typing) still finds exactly the grep matches.
    q.eventsPage({ text: 'block_rq' }, 0, 0);
    assert.deepEqual([...q.eventsPage({ text: 'block_rq_complete' }, 0, 100_000)!.line], grepEvents(r, 'block_rq_complete'));
  });

  test(`eventsPage columns: ${name}: times, deltas, device, inode, payload and request of each row match the raw lines`, async () => {
    const r = raw(file);
    const q = await queries(file);
    const t0 = r.events[0]!.ns;
    const pids = [...new Set(r.events.map((e) => e.pid))];
    const filters: [EventFilter, (e: RawEvent) => boolean][] = [
      [{}, () => true],
      [{ pids: [pids[pids.length - 1]!] }, (e) => e.pid === pids[pids.length - 1]],
      [{ events: ['block_rq_issue', 'block_rq_complete'] }, (e) => e.name === 'block_rq_issue' || e.name === 'block_rq_complete'],
    ];
    for (const [f, pred] of filters) {
      const matches = r.events.filter(pred);
      for (const [offset, limit] of [
        [0, 200],
        [7, 13],
        [Math.max(0, matches.length - 5), 200],
        [matches.length + 10, 5],
        [3, 0],
      ] as const) {
        const p = q.eventsPage(f, offset, limit)!;
        const n = Math.max(0, Math.min(limit, matches.length - offset));
        assert.equal(p.total, matches.length);
        checkLengths(p, n);
        assert.ok(p.payload !== undefined, 'a page of 200 rows carries its payload text');
        for (let i = 0; i < n; i++) {
          const e = matches[offset + i]!;
          const what = `${JSON.stringify(f)} row ${offset + i} (line ${e.line})`;
          assert.equal(p.line[i], e.line, what);
          assert.equal(p.sinceStartNs[i], e.ns - t0, `${what}: time since the first event`);
          const prev = matches[offset + i - 1];
          if (prev === undefined) assert.ok(Number.isNaN(p.deltaNs[i]), `${what}: no delta for the first match`);
          else assert.equal(p.deltaNs[i], e.ns - prev.ns, `${what}: delta to the previous match`);
          const dev = devOf(e);
          const [maj, min] = dev ? dev.split(':').map(Number) : [];
          assert.equal(p.dev[i], dev ? maj! * 1048576 + min! : 0xffffffff, `${what}: device`);
          const ino = /\bino (0x[0-9a-f]+)\b/.exec(e.payload);
          if (ino) assert.equal(p.ino[i], Number(ino[1]), `${what}: inode`);
          if (!/\bino\b/.test(e.payload)) assert.ok(Number.isNaN(p.ino[i]), `${what}: no inode`);
          // A marker's payload starts with the writer's symbol in both spellings (`print: tracing_mark_write: STEP 1`).
          const printed = e.name === 'print' && !e.payload.startsWith('tracing_mark_write: ') ? `tracing_mark_write: ${e.payload}` : e.payload;
          const text = printed.length > 160 ? `${printed.slice(0, 160)}…` : printed;
          assert.equal(p.payload![i], text, `${what}: payload`);
          checkRequest(q, p.request[i]!, e, what);
        }
      }
    }
    // Pages larger than a table's leave the payload out (a filtered view's window reads its lines itself).
    if (r.events.length > 1000) assert.equal(q.eventsPage({}, 0, 100_000)!.payload, undefined);
  });

  test(`rowIndexOfLine: ${name}: for every line, the matching event at or before it, as a linear scan finds it`, async () => {
    const r = raw(file);
    const q = await queries(file);
    const pids = [...new Set(r.events.map((e) => e.pid))];
    const filters: [EventFilter, (e: RawEvent) => boolean][] = [
      [{}, () => true],
      [{ pids: [pids[1] ?? pids[0]!] }, (e) => e.pid === (pids[1] ?? pids[0]!)],
      [{ events: ['block_rq_issue'] }, (e) => e.name === 'block_rq_issue'],
      [{ text: '7,0' }, (e) => r.lines[e.line - 1]!.includes('7,0')],
      [{ events: ['no_such_event'] }, () => false],
    ];
    for (const [f, pred] of filters) {
      const matches = r.events.filter(pred);
      let k = -1;
      for (let line = 0; line <= r.lines.length + 1; line++) {
        while (k + 1 < matches.length && matches[k + 1]!.line <= line) k++;
        const got = (await q.rowIndexOfLine(f, line))!;
        const want = { index: k, exact: k >= 0 && matches[k]!.line === line, line: k >= 0 ? matches[k]!.line : 0, total: matches.length };
        assert.deepEqual(got, want, `${JSON.stringify(f)} line ${line}`);
      }
      // The row found is the one a page at that index shows.
      if (matches.length > 0) {
        const mid = matches[matches.length >> 1]!;
        const at = (await q.rowIndexOfLine(f, mid.line))!;
        assert.equal(q.eventsPage(f, at.index, 1)!.line[0], mid.line);
      }
    }
  });
}

/** The request of a row is the one whose event the line is: of the layer that prints that event, holding the line; -1 for events of no request. */
function checkRequest(q: ModelQueries, id: number, e: RawEvent, what: string): void {
  const m = q.model;
  assert.equal(m.kind, 'trace');
  if (m.kind !== 'trace') return;
  // The events that start or end a request of one layer.
  const layer = /^block_rq_(issue|complete|insert)$/.test(e.name) ? 'block' : /^sys_(enter|exit)_p(read|write)/.test(e.name) ? 'syscall' : e.name === 'io_uring_submit_req' ? 'io_uring' : undefined;
  if (id < 0) {
    assert.ok(layer === undefined || e.name === 'block_rq_complete', `${what}: ${e.name} has a request`);
    assert.deepEqual(m.requests.atLine(e.line), [], `${what}: no request holds the line`);
    return;
  }
  assert.ok(m.requests.lines(id).includes(e.line), `${what}: request ${id} holds the line`);
  if (layer !== undefined) assert.equal(m.requests.layer(id), layer, `${what}: layer of the request of ${e.name}`);
}

test('text filter in the engine worker: slices, shared scans, cancellation (samples/10 events repeated 60 times, 130,800 events)', async () => {
  const text = readFileSync(path.join(S10, 'trace.txt'), 'utf8');
  const events = text.split('\n').filter((l) => HEADER.test(l));
  const out: string[] = [];
  for (let k = 0; k < 60; k++) for (const l of events) out.push(l.replace(/ (\d+)\.(\d{6}): /, (_m, s: string, f: string) => ` ${Number(s) + k}.${f}: `));
  const bytes = Buffer.from(out.join('\n') + '\n');
  const m = analyzeBytes('repeated.trace', bytes);
  const q = new ModelQueries(m);
  const lines = out.map((l, i) => (l.includes('xfs_io') ? i + 1 : 0)).filter((l) => l > 0);
  const f: EventFilter = { text: 'xfs_io' };
  // Cancelled before it starts.
  const gone = new AbortController();
  gone.abort();
  await assert.rejects(q.eventsPageAsync(f, 0, 10, false, [], gone.signal), /cancelled/);
  // Two requests share one scan; the first is cancelled while it runs, the second still gets every match.
  const first = new AbortController();
  const a = q.eventsPageAsync(f, 0, 10, false, [], first.signal);
  const b = q.eventsPageAsync(f, 0, 1_000_000);
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  await new Promise<void>((resolve) => setImmediate(resolve));
  first.abort();
  await assert.rejects(a, /cancelled/);
  const page = (await b)!;
  clearInterval(ticker);
  assert.deepEqual([...page.line], lines);
  assert.equal(page.total, lines.length);
  // The event loop ran while the scan did (it is sliced).
  assert.ok(ticks > 0, 'timers ran during the scan');
  // A scan whose only request is cancelled stops, and the filter is scanned again afterwards.
  const lone = new AbortController();
  const c = q.eventsPageAsync({ text: 'block_rq_issue' }, 0, 1, false, [], lone.signal);
  await new Promise<void>((resolve) => setImmediate(resolve));
  lone.abort();
  await assert.rejects(c, /cancelled/);
  assert.equal((await q.eventsPageAsync({ text: 'block_rq_issue' }, 0, 0))!.total, out.filter((l) => l.includes('block_rq_issue')).length);
  // rowIndexOfLine under a text filter, asynchronous too.
  const last = lines[lines.length - 1]!;
  assert.deepEqual(await q.rowIndexOfLine(f, last + 1), { index: lines.length - 1, exact: false, line: last, total: lines.length });
  await closeModel(m);
});

test('a page that would read lines again refuses a file changed on disk since its analysis; pages without text still answer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iolens-events-'));
  const file = path.join(dir, 'trace.txt');
  copyFileSync(path.join(S10, 'trace.txt'), file);
  const m = await analyzeFile(file);
  try {
    const q = new ModelQueries(m);
    assert.equal(q.eventsPage({}, 0, 10)!.payload!.length, 10);
    appendFileSync(file, '# appended\n');
    assert.throws(() => q.eventsPage({}, 0, 10), /changed on disk/);
    await assert.rejects(q.eventsPageAsync({ text: 'xfs_io' }, 0, 0), /changed on disk/);
    // Totals and large pages (filtered views' windows) read no text: they still answer from the columns.
    assert.equal(q.eventsPage({ pids: [3039] }, 0, 0)!.total, 17);
    const big = q.eventsPage({}, 0, 2000)!;
    assert.equal(big.line.length, 2000);
    assert.equal(big.payload, undefined);
  } finally {
    await closeModel(m);
    rmSync(dir, { recursive: true, force: true });
  }
});
