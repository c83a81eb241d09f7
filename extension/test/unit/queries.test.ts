// ModelQueries over retained models of real recordings, checked against the raw trace text: every expected
// value is read from the file in the test (simple regexes over its lines) or from the recordings' READMEs,
// never from iolens's own output. Each question is asked of the kernel's text (trace.txt) and of trace-cmd's
// output (report.txt) of the same recording; their line numbers differ, so lines are found by content.
//
// samples/10-nowait-partial-read (README): xfs on loop0 (7:0), file ino 131 (0x83) of 1 MiB with [0, 64 KiB)
// cached; preadv2 RWF_NOWAIT of 262144 at 0 by pid 3039 returns 65536; io_uring READ user_data 0x1002 the
// same; step 3's preadv2 at 512 KiB returns -11 (EAGAIN); 2180 events in both files.
// ../shared/corpus/04-btrfs-io-errors (README): `block_rq_complete ... WS () 28672 + 512 ... [-5]` of the
// ordered extent of ino 258 that finishes with IOERR; fsync returns -EIO.
// samples/21-btrfs-ordered-wait/dmesg-hung-tasks.txt: 11 hung-task reports.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { analyzeFile, closeModel } from '../../engine/analyze';
import type { EventFilter, LatencyGroup, OutlineItem, RequestChain, RequestNode } from '../../engine/contracts/query';
import { fileFindings, type FileModel } from '../../engine/model/fileModel';
import { ModelQueries } from '../../engine/query/modelQueries';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';
import { blockAddr, devOf, only, raw, retOf, type RawEvent, type RawFile } from './helpers/rawTrace';

const S10 = path.join(samplesDir, '10-nowait-partial-read');
const C04 = path.join(corpusDir, '04-btrfs-io-errors');
const S21 = path.join(samplesDir, '21-btrfs-ordered-wait');
const SPELLINGS = ['trace.txt', 'report.txt'] as const;

/** What each btrfs ordered-extent event says happened to the extent (the role of its line). */
const OE_EVENT_WORDS: Readonly<Record<string, string>> = {
  btrfs_ordered_extent_add: 'added',
  btrfs_ordered_extent_put: 'reference dropped',
  btrfs_ordered_extent_lookup: 'looked up',
  btrfs_ordered_extent_mark_finished: 'marked finished',
  btrfs_ordered_extent_remove: 'removed (complete)',
  btrfs_ordered_extent_start: 'waited on (btrfs_start_ordered_extent)',
};

// ---------------------------------------------------------------------------------------------------------
// Models, analysed once per file and closed at the end.

const models = new Map<string, Promise<FileModel>>();
function queries(file: string): Promise<ModelQueries> {
  let m = models.get(file);
  if (m === undefined) models.set(file, (m = analyzeFile(file)));
  return m.then((model) => new ModelQueries(model));
}
after(async () => {
  for (const m of models.values()) await closeModel(await m);
});

function nodeOf(chain: RequestChain, pred: (n: RequestNode) => boolean, what: string): RequestNode {
  const found = chain.nodes.filter(pred);
  assert.equal(found.length, 1, `one ${what} in the chain (found ${found.length})`);
  return found[0]!;
}

/** Which event each stage name of a request is printed by. */
const STAGE_EVENTS: Readonly<Record<string, readonly string[]>> = {
  queue: ['block_bio_queue'],
  getrq: ['block_getrq'],
  insert: ['block_rq_insert'],
  'io-start': ['block_io_start'],
  issue: ['block_rq_issue'],
  complete: ['block_rq_complete', 'io_uring_complete'],
  error: ['block_rq_error'],
  'io-done': ['block_io_done'],
  read: ['xfs_file_buffered_read'],
  readahead: ['iomap_readahead'],
  submit: ['io_uring_submit_req'],
};

/** Every stage of a node is on a line of the file holding the event of that stage, at the time printed there. */
function checkStages(r: RawFile, n: RequestNode, expectNames: readonly string[]): void {
  assert.deepEqual(
    n.stages.map((s) => s.name),
    expectNames,
    `${n.layer} ${n.op} stages`,
  );
  const t0 = r.byLine.get(n.stages[0]!.line)!.ns;
  let prev = t0;
  for (const s of n.stages) {
    const e = r.byLine.get(s.line);
    assert.ok(e, `stage ${s.name} is on an event line (${s.line})`);
    const want = STAGE_EVENTS[s.name];
    if (want) assert.ok(want.includes(e.name), `stage ${s.name} at line ${s.line} is ${e.name}`);
    assert.equal(s.ts, Number(e.tsText), `stage ${s.name} time`);
    assert.equal(s.offsetNs, e.ns - t0, `stage ${s.name} offset`);
    assert.equal(s.sincePrevNs, e.ns - prev, `stage ${s.name} since previous`);
    prev = e.ns;
  }
  for (const l of n.lines) assert.ok(r.byLine.has(l), `line ${l} of ${n.layer} ${n.op} is an event line`);
}

/** The block requests printed below a syscall: every bio queued by `pid` between its enter and exit lines. */
function biosBetween(r: RawFile, pid: number, from: number, to: number): { dev: string; sector: number; n: number; queue: RawEvent }[] {
  return r.events
    .filter((e) => e.pid === pid && e.line > from && e.line < to && e.name === 'block_bio_queue')
    .map((e) => ({ ...blockAddr(e)!, queue: e }));
}

/** The first event after `after` named `name` for the same device and sector. */
function nextOf(r: RawFile, name: string, after: RawEvent, dev: string, sector: number): RawEvent {
  const e = r.events.find((x) => x.line > after.line && x.name === name && blockAddr(x)?.dev === dev && blockAddr(x)?.sector === sector);
  assert.ok(e, `${name} of ${dev} ${sector} after line ${after.line}`);
  return e;
}

/** Checks the block nodes under `parent` against the bios the raw file shows. */
function checkBlockChildren(r: RawFile, chain: RequestChain, parent: RequestNode, bios: ReturnType<typeof biosBetween>): void {
  const blocks = chain.nodes.filter((n) => n.parent === parent.id);
  assert.equal(blocks.length, bios.length, 'one block request per bio queued during the syscall');
  assert.ok(blocks.length > 0);
  for (const bio of bios) {
    const b = nodeOf(chain, (n) => n.layer === 'block' && n.sector === bio.sector, `block request at sector ${bio.sector}`);
    assert.equal(b.parent, parent.id);
    assert.equal(b.depth, parent.depth + 1);
    assert.equal(b.dev, bio.dev);
    assert.equal(b.sectors, bio.n);
    assert.equal(b.op, 'read');
    assert.equal(b.offset, bio.sector * 512);
    assert.equal(b.length, bio.n * 512);
    assert.equal(b.result, bio.n * 512, 'a block read that completed with [0] did all its bytes');
    assert.equal(b.complete, true);
    const issue = nextOf(r, 'block_rq_issue', bio.queue, bio.dev, bio.sector);
    const done = nextOf(r, 'block_rq_complete', issue, bio.dev, bio.sector);
    assert.match(done.payload, /\[0\]$/);
    checkStages(r, b, ['queue', 'getrq', 'io-start', 'issue', 'complete', 'io-done']);
    assert.equal(b.stages[0]!.line, bio.queue.line);
    assert.equal(b.stages.find((s) => s.name === 'issue')!.line, issue.line);
    assert.equal(b.stages.find((s) => s.name === 'complete')!.line, done.line);
    assert.equal(b.btt?.['D2C'], done.ns - issue.ns, 'D2C');
    assert.equal(b.btt?.['Q2C'], done.ns - bio.queue.ns, 'Q2C');
    assert.equal(b.latencyNs, r.byLine.get(b.stages[b.stages.length - 1]!.line)!.ns - bio.queue.ns);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Request chains.

for (const spelling of SPELLINGS) {
  test(`requestChainsAt: samples/10 ${spelling}: preadv2 RWF_NOWAIT -> 0x10000 of pid 3039: syscall, fs buffered read, block reads`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    assert.equal(r.events.length, 2180, 'README: 2180 events');
    const exit = only(r, (e) => e.pid === 3039 && e.name === 'sys_exit_preadv2' && e.payload === '0x10000', 'preadv2 exit 0x10000 of pid 3039');
    const enter = [...r.events].reverse().find((e) => e.line < exit.line && e.pid === 3039 && e.name === 'sys_enter_preadv2')!;
    assert.match(enter.payload, /flags: (8|0x0+8)$/, 'RWF_NOWAIT');
    const fsRead = only(r, (e) => e.pid === 3039 && e.name === 'xfs_file_buffered_read' && e.line > enter.line && e.line < exit.line, 'xfs_file_buffered_read during the call');
    const fsm = /ino 0x([0-9a-f]+) .*pos 0x([0-9a-f]+) bytecount 0x([0-9a-f]+)/.exec(fsRead.payload)!;

    const q = await queries(file);
    const chains = q.requestChainsAt(exit.line);
    assert.equal(chains.length, 1);
    const chain = chains[0]!;
    assert.equal(chain.file, file);
    assert.equal(chain.truncated, false);
    const root = chain.nodes[0]!;
    assert.equal(chain.root, root.id);
    assert.deepEqual([root.layer, root.op, root.pid, root.comm, root.depth, root.parent], ['syscall', 'preadv2', 3039, exit.comm, 0, -1]);
    assert.deepEqual([root.result, root.length, root.offset], [retOf(exit), 262144, 0]);
    assert.equal(root.result, 65536);
    assert.equal(root.errno, undefined);
    assert.equal(root.complete, true);
    assert.equal(root.latencyNs, exit.ns - enter.ns);
    checkStages(r, root, ['enter', 'exit']);
    assert.deepEqual(
      root.stages.map((s) => s.line),
      [enter.line, exit.line],
    );

    const fs = nodeOf(chain, (n) => n.layer === 'fs', 'fs request');
    assert.deepEqual([fs.op, fs.parent, fs.depth, fs.pid], ['buffered-read', root.id, 1, 3039]);
    assert.deepEqual([fs.ino, fs.offset, fs.length, fs.dev], [parseInt(fsm[1]!, 16), parseInt(fsm[2]!, 16), parseInt(fsm[3]!, 16), '7:0']);
    assert.equal(fs.ino, 131);
    assert.equal(fs.result, 65536);
    assert.deepEqual(
      fs.stages.map((s) => [s.name, r.byLine.get(s.line)!.name]),
      [
        ['read', 'xfs_file_buffered_read'],
        ['readahead', 'iomap_readahead'],
        ['parent-complete', 'sys_exit_preadv2'],
      ],
    );
    assert.equal(fs.stages[0]!.line, fsRead.line);
    assert.equal(fs.stages[2]!.line, exit.line);
    for (const l of fs.lines) assert.equal(r.byLine.get(l)!.pid, 3039);

    const bios = biosBetween(r, 3039, enter.line, exit.line);
    assert.deepEqual(
      bios.map((b) => [b.dev, b.sector, b.n]),
      [['7:0', 320, 384]],
    );
    checkBlockChildren(r, chain, fs, bios);
    assert.equal(chain.nodes.length, 2 + bios.length);
    // Root first, then depth-first.
    assert.deepEqual(
      chain.nodes.map((n) => n.depth),
      [0, 1, ...bios.map(() => 2)],
    );
    // Every line of the request chain gives the same chain.
    for (const n of chain.nodes) for (const l of n.lines) assert.equal(q.requestChainsAt(l)[0]?.root, root.id, `line ${l}`);
  });

  test(`requestChainsAt: samples/10 ${spelling}: io_uring READ NOWAIT user_data 0x1002 -> 65536, with its fs read and block read`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1002, result 65536\b/.test(e.payload), 'io_uring_complete of 0x1002');
    const submit = only(r, (e) => e.name === 'io_uring_submit_req' && /user_data 0x1002, opcode READ/.test(e.payload), 'io_uring_submit_req of 0x1002');
    const fsRead = only(r, (e) => e.pid === submit.pid && e.name === 'xfs_file_buffered_read' && e.line > submit.line && e.line < done.line, 'xfs_file_buffered_read of the request');
    const q = await queries(file);
    for (const line of [done.line, submit.line]) {
      const chains = q.requestChainsAt(line);
      assert.equal(chains.length, 1);
      const chain = chains[0]!;
      const root = chain.nodes[0]!;
      assert.deepEqual([root.layer, root.op, root.pid, root.result, root.offset, root.length], ['io_uring', 'READ', submit.pid, 65536, 0, 262144]);
      checkStages(r, root, ['submit', 'complete']);
      assert.deepEqual(
        root.stages.map((s) => s.line),
        [submit.line, done.line],
      );
      assert.equal(root.details['user_data'], '0x1002');
      const fs = nodeOf(chain, (n) => n.layer === 'fs', 'fs request');
      assert.deepEqual([fs.op, fs.parent, fs.ino, fs.offset, fs.length, fs.result], ['buffered-read', root.id, 131, 0, 262144, 65536]);
      assert.equal(fs.stages[0]!.line, fsRead.line);
      checkBlockChildren(r, chain, fs, biosBetween(r, submit.pid, submit.line, done.line));
    }
  });

  test(`requestChainsAt: corpus 04 ${spelling}: the failed bio (28672 + 512, [-5]) of the IOERR ordered extent of ino 258`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion of 28672 + 512');
    const error = only(r, (e) => e.name === 'block_rq_error' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'block_rq_error of 28672 + 512');
    const issue = only(r, (e) => e.name === 'block_rq_issue' && /^7,2 WS \d+ \(\) 28672 \+ 512 /.test(e.payload), 'issue of 28672 + 512');
    const oeLines = r.events.filter((e) => /^btrfs_ordered_extent_/.test(e.name) && / ino=258 file_offset=0 start=14680064 /.test(e.payload));
    assert.ok(oeLines.length >= 5);
    assert.match(oeLines[oeLines.length - 1]!.payload, /flags=REGULAR\|(IO_DONE\|COMPLETE\|IOERR|0x[0-9a-f]+) /);
    const fsyncExit = only(r, (e) => e.name === 'sys_exit_fsync' && e.pid === issue.pid && retOf(e) < 0, 'failing fsync exit');
    assert.equal(retOf(fsyncExit), -5);

    const q = await queries(file);
    const chains = q.requestChainsAt(done.line);
    assert.equal(chains.length, 1);
    const chain = chains[0]!;
    const blk = nodeOf(chain, (n) => n.layer === 'block' && n.lines.includes(done.line), 'block request of the completion');
    assert.deepEqual([blk.op, blk.dev, blk.sector, blk.sectors, blk.result, blk.errno], ['write', '7:2', 28672, 512, -5, '-5 EIO']);
    assert.deepEqual(
      ['issue', 'complete', 'error'].map((s) => blk.stages.find((x) => x.name === s)?.line),
      [issue.line, done.line, error.line],
    );
    checkStages(
      r,
      blk,
      blk.stages.map((s) => s.name),
    );
    const oe = nodeOf(chain, (n) => n.layer === 'ordered-extent', 'ordered extent');
    assert.equal(blk.parent, oe.id, 'the bio wrote the ordered extent');
    const add = oeLines.find((e) => e.name === 'btrfs_ordered_extent_add')!;
    const addm = /ino=(\d+) file_offset=(\d+) start=(\d+) len=(\d+)/.exec(add.payload)!;
    assert.deepEqual([oe.offset, oe.length, oe.details['ino'], oe.details['diskStart']], [Number(addm[2]), Number(addm[4]), Number(addm[1]), Number(addm[3])]);
    assert.equal(Number(addm[3]), 28672 * 512, 'the extent starts at the failed sector');
    assert.deepEqual([oe.result, oe.errno], [-5, '-5 EIO']);
    assert.equal(oe.stages[0]!.line, add.line);
    for (const e of oeLines) assert.ok(oe.lines.includes(e.line), `OE line ${e.line} (${e.name})`);
    const root = chain.nodes[0]!;
    assert.deepEqual([root.layer, root.op, root.result, root.errno], ['syscall', 'fsync', -5, '-5 EIO']);
    assert.equal(root.stages[root.stages.length - 1]!.line, fsyncExit.line);
    // The events that name inode 258 (`ino=258`): the sync_file line and the extent's lines.
    const ino258 = r.events.filter((e) => /\bino=258\b/.test(e.payload)).map((e) => e.line);
    assert.ok(ino258.length > oeLines.length);
    assert.deepEqual([...q.eventsPage({ inodes: [258] }, 0, 1000)!.line], ino258);
  });

  test(`requestNode: corpus 04 ${spelling}: the ordered-extent node names its inode (ino=258 on every line)`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion');
    const oe = nodeOf((await queries(file)).requestChainsAt(done.line)[0]!, (n) => n.layer === 'ordered-extent', 'ordered extent');
    assert.equal(oe.ino, 258);
  });

  test(`relatedLines: corpus 04 ${spelling}: the ordered extent's lines with their roles, the bio's and the fsync's`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion');
    const issue = only(r, (e) => e.name === 'block_rq_issue' && /^7,2 WS \d+ \(\) 28672 \+ 512 /.test(e.payload), 'issue');
    const fsyncExit = only(r, (e) => e.name === 'sys_exit_fsync' && retOf(e) === -5, 'failing fsync exit');
    const oeLines = r.events.filter((e) => /^btrfs_ordered_extent_/.test(e.name) && / ino=258 file_offset=0 start=14680064 /.test(e.payload));
    const q = await queries(file);
    const rel = q.relatedLines(done.line);
    assert.deepEqual(
      rel.map((x) => x.line),
      [...rel.map((x) => x.line)].sort((a, b) => a - b),
      'sorted by line',
    );
    const byLine = new Map(rel.map((x) => [x.line, x]));
    const oeId = byLine.get(oeLines[0]!.line)?.request;
    for (const e of oeLines) {
      const x = byLine.get(e.line);
      assert.ok(x, `${e.name} line ${e.line} is related`);
      assert.equal(x.layer, 'ordered-extent');
      assert.equal(x.request, oeId);
      assert.equal(x.role, `ordered extent ${OE_EVENT_WORDS[e.name] ?? '?'}`, e.name);
    }
    assert.equal(byLine.get(issue.line)?.role, 'block write request issued to the driver');
    assert.equal(byLine.get(fsyncExit.line)?.role, 'fsync returned: -5 EIO');
    // Every related line is an event line of the file, and the chain's lines are all there.
    for (const x of rel) assert.ok(r.byLine.has(x.line), `line ${x.line}`);
    const chainLines = new Set(q.requestChainsAt(done.line)[0]!.nodes.flatMap((n) => n.lines));
    assert.deepEqual(new Set(rel.map((x) => x.line)), chainLines);
  });

  test(`relatedLines: corpus 04 ${spelling}: the failed completion line is named as the block request's completion`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(C04, spelling);
    const r = raw(file);
    const done = only(r, (e) => e.name === 'block_rq_complete' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'failed completion');
    const error = only(r, (e) => e.name === 'block_rq_error' && /^7,2 WS \(\) 28672 \+ 512 .*\[-5\]$/.test(e.payload), 'block_rq_error');
    const byLine = new Map((await queries(file)).relatedLines(done.line).map((x) => [x.line, x]));
    assert.equal(byLine.get(done.line)?.layer, 'block');
    assert.equal(byLine.get(done.line)?.role, 'block write request completed: -5 EIO');
    assert.equal(byLine.get(error.line)?.role, 'block write request failed: -5 EIO');
  });
}

// ---------------------------------------------------------------------------------------------------------
// eventAt and definition.

for (const spelling of SPELLINGS) {
  test(`eventAt: samples/10 ${spelling}: a block_rq_issue line decoded as printed, with units and meanings`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const issue = only(r, (e) => e.pid === 3039 && e.name === 'block_rq_issue', 'block_rq_issue of pid 3039');
    const d = q.eventAt(issue.line)!;
    assert.ok(d);
    assert.deepEqual([d.file, d.line, d.event, d.system, d.cpu, d.pid, d.comm, d.tsText, d.ts], [file, issue.line, 'block_rq_issue', 'block', issue.cpu, issue.pid, issue.comm, issue.tsText, Number(issue.tsText)]);
    assert.equal(d.payload, issue.payload);
    assert.equal(d.decoded, true);
    assert.equal(d.sinceStartNs, issue.ns - r.events[0]!.ns);
    const prev = [...r.events].reverse().find((e) => e.line < issue.line && e.pid === issue.pid)!;
    assert.deepEqual([d.prevTaskLine, d.sincePrevTaskNs], [prev.line, issue.ns - prev.ns]);
    if (spelling === 'report.txt') assert.equal(d.instance, 'nw');
    const f = new Map(d.fields.map((x) => [x.name, x]));
    assert.equal(f.get('dev')?.text, '7:0');
    assert.equal(f.get('rwbs')?.text, 'RA');
    assert.deepEqual([f.get('sector')?.value, f.get('sector')?.unit], [320, 'sectors']);
    assert.match(f.get('sector')!.meaning!, new RegExp(`\\b${320 * 512}\\b`));
    assert.deepEqual([f.get('nr_sector')?.value, f.get('nr_sector')?.unit], [384, 'sectors']);
    assert.match(f.get('nr_sector')!.meaning!, new RegExp(`^${384 * 512} bytes`));
    assert.match(f.get('rwbs')!.meaning!, /read/);

    // Every block_rq_issue of the file: sector, nr_sector and dev as the line prints them.
    const issues = r.events.filter((e) => e.name === 'block_rq_issue');
    assert.equal(issues.length, 102);
    for (const e of issues) {
      const a = blockAddr(e)!;
      const x = new Map(q.eventAt(e.line)!.fields.map((v) => [v.name, v]));
      assert.deepEqual([x.get('sector')?.value, x.get('nr_sector')?.value, x.get('dev')?.text], [a.sector, a.n, a.dev], `line ${e.line}`);
      assert.match(x.get('nr_sector')!.meaning!, new RegExp(`^${a.n * 512} bytes`));
    }
    // Lines without events (the header: `# tracer: nop` / `cpus=2`) and lines past the end have no event.
    assert.equal(r.byLine.has(1), false);
    assert.equal(q.eventAt(1), undefined);
    assert.equal(q.eventAt(r.lines.length + 5), undefined);
  });

  test(`eventAt: ${spelling}: a sys_exit with a negative hex return names its errno`, async () => {
    const cases: [string, (e: RawEvent) => boolean, number, string][] = [[path.join(S10, spelling), (e) => e.name === 'sys_exit_preadv2' && e.payload === '0xfffffffffffffff5', -11, 'EAGAIN']];
    if (haveCorpus) cases.push([path.join(C04, spelling), (e) => e.name === 'sys_exit_fsync' && e.payload === '0xfffffffffffffffb', -5, 'EIO']);
    for (const [file, pred, ret, errno] of cases) {
      const e = only(raw(file), pred, 'negative syscall exit');
      assert.equal(retOf(e), ret);
      const d = (await queries(file)).eventAt(e.line)!;
      assert.deepEqual([d.event, d.pid, d.tsText], [e.name, e.pid, e.tsText]);
      const ret0 = d.fields.find((x) => x.name === 'ret')!;
      assert.equal(ret0.value, ret);
      assert.equal(ret0.text, e.payload);
      assert.match(ret0.meaning!, new RegExp(`\\b${errno}\\b`));
    }
  });

  test(`definition: samples/10 ${spelling}: a completion goes to its issue (same dev and sector), a syscall exit to its enter`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const completes = r.events.filter((e) => e.name === 'block_rq_complete');
    assert.equal(completes.length, 102);
    for (const c of completes) {
      const a = blockAddr(c)!;
      const issue = [...r.events].reverse().find((e) => e.line < c.line && e.name === 'block_rq_issue' && blockAddr(e)?.dev === a.dev && blockAddr(e)?.sector === a.sector);
      assert.ok(issue);
      assert.equal(q.definition(c.line), issue.line, `completion at line ${c.line}`);
    }
    const exits = r.events.filter((e) => e.name === 'sys_exit_preadv2' || e.name === 'sys_exit_pread64');
    assert.ok(exits.length >= 6);
    for (const x of exits) {
      const enter = [...r.events].reverse().find((e) => e.line < x.line && e.pid === x.pid && e.name === x.name.replace('sys_exit_', 'sys_enter_'))!;
      assert.equal(q.definition(x.line), enter.line, `${x.name} at line ${x.line}`);
    }
    // A line of no request (a STEP marker) has no definition.
    const marker = r.events.find((e) => e.name === 'print')!;
    assert.equal(q.definition(marker.line), undefined);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Events pages and filters.

/** The lines of the raw events that match. */
function rawLines(r: RawFile, pred: (e: RawEvent) => boolean): number[] {
  return r.events.filter(pred).map((e) => e.line);
}

for (const spelling of SPELLINGS) {
  test(`eventsPage: samples/10 ${spelling}: totals and rows of each filter match the file`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const text = readFileSync(file, 'utf8');
    const page = (f: EventFilter, offset = 0, limit = 100_000) => q.eventsPage(f, offset, limit)!;
    const check = (f: EventFilter, pred: (e: RawEvent) => boolean, what: string): number => {
      const want = rawLines(r, pred);
      const p = page(f);
      assert.equal(p.total, want.length, `${what}: total`);
      assert.deepEqual([...p.line], want, `${what}: lines`);
      assert.equal(q.eventsPage(f, 0, 0)!.total, want.length, `${what}: total of an empty page`);
      return want.length;
    };
    // By event: the count of lines that contain `block_rq_issue:`.
    const issueLines = text.split('\n').filter((l) => l.includes('block_rq_issue:')).length;
    assert.equal(q.eventsPage({ events: ['block_rq_issue'] }, 0, 0)!.total, issueLines);
    assert.equal(issueLines, 102);
    for (const name of new Set(r.events.map((e) => e.name))) check({ events: [name] }, (e) => e.name === name, name);
    check({ events: ['block_rq_issue', 'block_rq_complete'] }, (e) => e.name === 'block_rq_issue' || e.name === 'block_rq_complete', 'two events');
    assert.equal(page({ events: ['no_such_event'] }).total, 0);
    // By task, comm and CPU.
    const pids = new Set(r.events.map((e) => e.pid));
    assert.equal(pids.size, 16);
    for (const pid of pids) check({ pids: [pid] }, (e) => e.pid === pid, `pid ${pid}`);
    check({ comms: ['pread_nowait'] }, (e) => e.comm === 'pread_nowait', 'comm pread_nowait');
    for (const cpu of [0, 1]) check({ cpus: [cpu] }, (e) => e.cpu === cpu, `cpu ${cpu}`);
    // By device: only block and fs/iomap events name one (README: block and iomap on 7:0).
    const n70 = check({ devices: ['7:0'] }, (e) => devOf(e) === '7:0', 'dev 7:0');
    assert.equal(n70, r.events.filter((e) => devOf(e) !== undefined).length);
    assert.ok(n70 < r.events.length && n70 > 1000);
    check({ devices: ['7,0'] }, (e) => devOf(e) === '7:0', 'dev 7,0');
    assert.equal(page({ devices: ['8:0'] }).total, 0);
    assert.equal(page({ devices: ['sda'] }).total, 0);
    // By inode (ino 0x83 = 131 in the payload).
    check({ inodes: [131] }, (e) => /\bino 0x83\b/.test(e.payload), 'ino 131');
    // By time: [the 500th event's time, the 900th's], inclusive.
    const from = r.events[500]!;
    const to = r.events[900]!;
    check({ from: Number(from.tsText), to: Number(to.tsText) }, (e) => e.ns >= from.ns && e.ns <= to.ns, 'time range');
    check({ from: Number(to.tsText) }, (e) => e.ns >= to.ns, 'from only');
    check({ to: Number(from.tsText) }, (e) => e.ns <= from.ns, 'to only');
    // By line range.
    check({ fromLine: 300, toLine: 400 }, (e) => e.line >= 300 && e.line <= 400, 'line range');
    // Combined: every condition must hold.
    check(
      { pids: [3039], events: ['block_rq_issue', 'block_bio_queue', 'sys_exit_preadv2'], cpus: [1], devices: ['7:0'] },
      (e) => e.pid === 3039 && (e.name === 'block_rq_issue' || e.name === 'block_bio_queue') && e.cpu === 1,
      'combined',
    );
    check({ comms: ['xfs_io'], events: ['block_rq_issue'], from: Number(from.tsText) }, (e) => e.comm === 'xfs_io' && e.name === 'block_rq_issue' && e.ns >= from.ns, 'comm + event + from');
    // The unfiltered page is every event.
    assert.equal(page({}).total, 2180);
  });

  test(`eventsPage: samples/10 ${spelling}: paging returns the right rows in order, with their columns`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const f: EventFilter = { pids: [3034] };
    const all = rawLines(r, (e) => e.pid === 3034);
    assert.equal(all.length, 306);
    const seen: number[] = [];
    for (let off = 0; off < all.length; off += 50) {
      const p = q.eventsPage(f, off, 50)!;
      assert.equal(p.total, 306);
      assert.equal(p.offset, off);
      assert.equal(p.line.length, Math.min(50, 306 - off));
      for (let i = 0; i < p.line.length; i++) {
        const e = r.byLine.get(p.line[i]!)!;
        assert.deepEqual([p.tsNs[i], p.cpu[i], p.pid[i], p.strings[p.comm[i]!], p.strings[p.event[i]!]], [e.ns, e.cpu, e.pid, e.comm, e.name], `line ${e.line}`);
      }
      seen.push(...p.line);
    }
    assert.deepEqual(seen, all);
    const mid = q.eventsPage(f, 100, 7)!;
    assert.deepEqual([...mid.line], all.slice(100, 107));
    const past = q.eventsPage(f, 1000, 10)!;
    assert.deepEqual([past.total, past.offset, past.line.length], [306, 306, 0]);
    // Fields on request: the block_rq_issue rows of the page carry their sector.
    const withFields = q.eventsPage({ events: ['block_rq_issue'] }, 10, 5, true)!;
    assert.equal(withFields.fields?.length, 5);
    withFields.fields!.forEach((fv, i) => {
      const a = blockAddr(r.byLine.get(withFields.line[i]!)!)!;
      assert.equal(fv.find((x) => x.name === 'sector')?.value, a.sector);
    });
    assert.equal(q.eventsPage({ events: ['block_rq_issue'] }, 10, 5)!.fields, undefined);
  });

  test(`eventsPage: samples/10 ${spelling}: a request filter gives exactly the lines of the request's chain`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const exit = only(r, (e) => e.pid === 3039 && e.name === 'sys_exit_preadv2' && e.payload === '0x10000', 'preadv2 exit');
    const chain = q.requestChainsAt(exit.line)[0]!;
    const lines = [...new Set(chain.nodes.flatMap((n) => n.lines))].sort((a, b) => a - b);
    const p = q.eventsPage({ requests: [chain.root] }, 0, 1000)!;
    assert.deepEqual([...p.line], lines);
    assert.equal(p.total, lines.length);
    // They are the syscall's lines, its fs read's (iomap lines of pid 3039) and the bio's (the completion runs elsewhere).
    assert.ok(lines.every((l) => r.byLine.has(l)));
    assert.ok(lines.includes(exit.line));
    assert.ok(lines.some((l) => r.byLine.get(l)!.name === 'block_rq_complete'));
    // Combined with an event filter: only those events of the chain.
    const issues = q.eventsPage({ requests: [chain.root], events: ['block_rq_issue'] }, 0, 10)!;
    assert.deepEqual(
      [...issues.line],
      lines.filter((l) => r.byLine.get(l)!.name === 'block_rq_issue'),
    );
    assert.equal(q.eventsPage({ requests: [1e9] }, 0, 10)!.total, 0);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Latency.

/** Nearest-rank percentile of sorted values. */
function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.ceil(p * sorted.length) - 1]!;
}

for (const spelling of SPELLINGS) {
  test(`latency: samples/10 ${spelling}: block read D2C and Q2C against issue/complete pairs of the raw lines`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const issued = new Map<string, RawEvent>();
    const queued = new Map<string, RawEvent>();
    const d2c: number[] = [];
    const q2c: number[] = [];
    for (const e of r.events) {
      const a = blockAddr(e);
      if (!a) continue;
      const key = `${a.dev} ${a.sector}`;
      if (e.name === 'block_bio_queue') queued.set(key, e);
      if (e.name === 'block_rq_issue') {
        assert.ok(!issued.has(key), 'no two requests of one sector in flight');
        issued.set(key, e);
      }
      if (e.name === 'block_rq_complete') {
        const i = issued.get(key)!;
        assert.ok(i, `issue of ${key}`);
        assert.equal(a.rwbs[0], 'R', 'README: every block request is a read');
        d2c.push(e.ns - i.ns);
        q2c.push(e.ns - queued.get(key)!.ns);
        issued.delete(key);
        queued.delete(key);
      }
    }
    assert.equal(issued.size, 0);
    assert.equal(d2c.length, 102);
    const q = await queries(file);
    const groups = q.latency({ layer: 'block' });
    assert.ok(groups.every((g) => g.layer === 'block'));
    const expect = (stage: string, values: number[]): LatencyGroup => {
      const sorted = [...values].sort((a, b) => a - b);
      const g = groups.find((x) => x.op === 'read' && x.device === '7:0' && x.stage === stage);
      assert.ok(g, `group read 7:0 ${stage}`);
      assert.deepEqual(
        [g.count, g.p50, g.p90, g.p99, g.max, g.min],
        [sorted.length, pct(sorted, 0.5), pct(sorted, 0.9), pct(sorted, 0.99), sorted[sorted.length - 1], sorted[0]],
        stage,
      );
      assert.equal(g.mean, Math.round(sorted.reduce((s, x) => s + x, 0) / sorted.length));
      // Bins: contiguous, counts add up, and every value falls in the bin that counted it.
      assert.equal(
        g.bins.reduce((s, b) => s + b.count, 0),
        g.count,
      );
      for (let i = 1; i < g.bins.length; i++) assert.equal(g.bins[i]!.lo, g.bins[i - 1]!.hi);
      for (const b of g.bins) {
        assert.ok(b.lo < b.hi);
        assert.equal(sorted.filter((v) => v >= b.lo && v < b.hi).length, b.count, `bin [${b.lo}, ${b.hi})`);
      }
      return g;
    };
    expect('D2C', d2c);
    expect('Q2C', q2c);
    // One device only: no `all` group; the stage query picks one group.
    assert.ok(!groups.some((g) => g.device === 'all'));
    const only2 = q.latency({ layer: 'block', stage: 'D2C' });
    assert.deepEqual(
      only2.map((g) => [g.op, g.device, g.stage, g.count]),
      [['read', '7:0', 'D2C', 102]],
    );
    assert.deepEqual(q.latency({ layer: 'block', device: '7:1' }), []);
    // More bins per decade: the same values, finer bins.
    const fine = q.latency({ layer: 'block', stage: 'D2C', binsPerDecade: 10 })[0]!;
    assert.ok(fine.bins.length > only2[0]!.bins.length);
    assert.equal(
      fine.bins.reduce((s, b) => s + b.count, 0),
      102,
    );
  });

  test(`latency: samples/10 ${spelling}: syscall totals are exit minus enter of the raw lines`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const lat: number[] = [];
    for (const x of r.events.filter((e) => e.name === 'sys_exit_preadv2')) {
      const enter = [...r.events].reverse().find((e) => e.line < x.line && e.pid === x.pid && e.name === 'sys_enter_preadv2')!;
      lat.push(x.ns - enter.ns);
    }
    assert.equal(lat.length, 3, 'README: steps 1, 3 and 5');
    lat.sort((a, b) => a - b);
    const g = (await queries(file)).latency({ layer: 'syscall', op: 'preadv2' });
    assert.equal(g.length, 1);
    assert.deepEqual([g[0]!.stage, g[0]!.count, g[0]!.p50, g[0]!.max, g[0]!.min], ['total', 3, pct(lat, 0.5), lat[2], lat[0]]);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Outline, folding, lines, time.

function flatten(items: readonly OutlineItem[]): OutlineItem[] {
  return items.flatMap((i) => [i, ...flatten(i.children)]);
}

for (const spelling of SPELLINGS) {
  test(`outline and folding: samples/10 ${spelling}: header, devices, tasks and CPUs as the file has them`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const model = q.model;
    const out = q.outline(fileFindings(model));
    const group = (kind: string): OutlineItem => {
      const g = out.find((x) => x.kind === kind);
      assert.ok(g, kind);
      return g;
    };
    const spans = (key: (e: RawEvent) => string | undefined): Map<string, { count: number; first: number; last: number }> => {
      const m = new Map<string, { count: number; first: number; last: number }>();
      for (const e of r.events) {
        const k = key(e);
        if (k === undefined) continue;
        const s = m.get(k);
        if (s) {
          s.count++;
          s.last = e.line;
        } else m.set(k, { count: 1, first: e.line, last: e.line });
      }
      return m;
    };
    const checkGroup = (kind: string, items: Map<string, { count: number; first: number; last: number }>): void => {
      const g = group(`${kind}s`);
      assert.equal(g.children.length, items.size, `${kind}s`);
      for (const c of g.children) {
        const s = items.get(c.name);
        assert.ok(s, `${kind} ${c.name}`);
        assert.deepEqual([c.kind, c.detail, c.line, c.endLine], [kind, `${s.count.toLocaleString('en-US')} events`, s.first, s.last], c.name);
      }
      assert.equal(g.line, Math.min(...[...items.values()].map((s) => s.first)));
      assert.equal(g.endLine, Math.max(...[...items.values()].map((s) => s.last)));
    };
    const commOf = new Map<number, string>();
    for (const e of r.events) if (!commOf.has(e.pid)) commOf.set(e.pid, e.comm);
    checkGroup(
      'task',
      spans((e) => `${commOf.get(e.pid)}-${e.pid}`),
    );
    assert.equal(group('tasks').detail, '16');
    checkGroup(
      'cpu',
      spans((e) => `CPU ${e.cpu}`),
    );
    checkGroup('device', spans(devOf));
    assert.deepEqual(
      group('devices').children.map((c) => c.name),
      ['7:0'],
    );
    // Tasks by event count, most first.
    const counts = group('tasks').children.map((c) => Number(c.detail.split(' ')[0]!.replace(/,/g, '')));
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
    // The header before the first event.
    const first = r.events[0]!.line;
    const header = out.find((x) => x.kind === 'preamble');
    assert.deepEqual(header && [header.line, header.endLine], [1, first - 1]);
    assert.deepEqual(q.folding(), first > 2 ? [{ start: 1, end: first - 1, kind: 'comment' }] : []);
    // The findings group: the two short reads of the README, at the preadv2 exit and the io_uring completion.
    const exit = only(r, (e) => e.pid === 3039 && e.name === 'sys_exit_preadv2' && e.payload === '0x10000', 'preadv2 exit');
    const cqe = only(r, (e) => e.name === 'io_uring_complete' && /user_data 0x1002, result 65536\b/.test(e.payload), 'cqe 0x1002');
    const short = flatten(out).find((x) => x.kind === 'findings' && x.name === 'short-read');
    assert.ok(short);
    assert.deepEqual(
      short.children.map((c) => c.line),
      [exit.line, cqe.line],
    );
  });

  test(`lines and lineAtTime: samples/10 ${spelling}: windows of the file's own lines; the first event at or after a time`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const all = q.lines(1, 1_000_000);
    assert.deepEqual([all.file, all.from, all.totalLines], [file, 1, r.lines.length]);
    assert.deepEqual(all.lines, r.lines);
    for (const [from, count] of [
      [1, 3],
      [357, 13],
      [r.lines.length - 2, 10],
      [r.lines.length + 1, 5],
    ] as const) {
      assert.deepEqual(q.lines(from, count).lines, r.lines.slice(from - 1, from - 1 + count), `lines(${from}, ${count})`);
    }
    // At each event's own time: the first event printed with that time.
    for (let i = 0; i < r.events.length; i += 37) {
      const e = r.events[i]!;
      const firstAt = r.events.find((x) => x.ns >= e.ns)!;
      assert.equal(q.lineAtTime(Number(e.tsText)), firstAt.line, `at ${e.tsText}`);
    }
    // Between two events: the later one. Before the first: the first; after the last: the last.
    const a = r.events.findIndex((e, i) => i > 400 && r.events[i + 1]!.ns - e.ns >= 2000);
    const mid = (r.events[a]!.ns + 1000) / 1e9;
    assert.equal(q.lineAtTime(mid), r.events[a + 1]!.line);
    assert.equal(q.lineAtTime(0), r.events[0]!.line);
    assert.equal(q.lineAtTime(1e6), r.events[r.events.length - 1]!.line);
  });

  test(`lifecycleGraph: samples/10 ${spelling}: the preadv2's chain as nodes and edges with the raw waits`, async () => {
    const file = path.join(S10, spelling);
    const r = raw(file);
    const q = await queries(file);
    const exit = only(r, (e) => e.pid === 3039 && e.name === 'sys_exit_preadv2' && e.payload === '0x10000', 'preadv2 exit');
    const chain = q.requestChainsAt(exit.line)[0]!;
    const g = q.lifecycleGraph(chain.nodes[2]!.id)!;
    assert.equal(g.root, chain.root, 'the graph of any member is its chain');
    assert.deepEqual(
      g.nodes.map((n) => [n.request, n.layer, n.line]),
      chain.nodes.map((n) => [n.id, n.layer, n.stages[0]!.line]),
    );
    const [sys, fs, blk] = g.nodes;
    assert.deepEqual([sys!.short, sys!.failed, fs!.short, blk!.short], [true, false, true, false]);
    assert.equal(blk!.label, 'read 7:0 320+384');
    const t = (l: number): number => r.byLine.get(l)!.ns;
    assert.deepEqual(
      g.edges.map((e) => [e.from, e.to, e.label]),
      [
        [sys!.id, fs!.id, `+${((t(fs!.line) - t(sys!.line)) / 1000).toFixed(1)} µs`],
        [fs!.id, blk!.id, `+${((t(blk!.line) - t(fs!.line)) / 1000).toFixed(1)} µs`],
      ],
    );
    assert.equal(q.lifecycleGraph(-1), undefined);
  });
}

test('outline and folding: samples/21 dmesg-hung-tasks.txt: one item and one folding range per task report', async () => {
  const file = path.join(S21, 'dmesg-hung-tasks.txt');
  const lines = raw(file).lines;
  // Each report runs from its `INFO: task comm:pid blocked` line to the last `</TASK>` before the next report.
  const reports: { line: number; end: number; name: string }[] = [];
  lines.forEach((l, i) => {
    const m = /INFO: task (.+):(\d+) blocked for more than/.exec(l);
    if (m) reports.push({ line: i + 1, end: 0, name: `${m[1]}:${m[2]} D` });
  });
  assert.equal(reports.length, 11, 'README: the first pass reported all 11 tasks');
  reports.forEach((rep, k) => {
    const next = reports[k + 1]?.line ?? lines.length + 1;
    for (let n = rep.line; n < next; n++) if (/<\/TASK>/.test(lines[n - 1]!)) rep.end = n;
    assert.ok(rep.end > rep.line);
  });
  const q = await queries(file);
  assert.equal(q.model.kind, 'kernel-log');
  const tasks = flatten(q.outline([])).filter((x) => x.kind === 'task');
  assert.deepEqual(
    tasks.map((t) => [t.name, t.line, t.endLine]),
    reports.map((r) => [r.name, r.line, r.end]),
  );
  const folds = q.folding();
  for (const rep of reports) assert.ok(folds.some((f) => f.start === rep.line && f.end === rep.end && f.kind === 'region'), `a fold over lines ${rep.line}-${rep.end}`);
  // Folds never cross a report's boundary.
  for (const f of folds) assert.ok(reports.some((rep) => f.start >= rep.line && f.end <= rep.end), `fold ${f.start}-${f.end} inside a report`);
  // Its text: the file's lines; no events.
  assert.deepEqual(q.lines(1, 10_000).lines, lines);
  assert.equal(q.lines(1, 1).totalLines, lines.length);
  assert.equal(q.eventAt(2), undefined);
  assert.equal(q.eventsPage({}, 0, 10), undefined);
  assert.deepEqual(q.requestChainsAt(2), []);
  assert.equal(q.lineAtTime(2431.45), undefined);
});

for (const spelling of SPELLINGS) {
  test(`latency: corpus 02 ${spelling}: reads and writes on two devices, per device and \`all\`, against the raw pairs`, { skip: !haveCorpus && 'needs ../shared/corpus' }, async () => {
    const file = path.join(corpusDir, '02-xfs-ext4-odirect', spelling);
    const r = raw(file);
    const issued = new Map<string, RawEvent>();
    const values = new Map<string, number[]>();
    for (const e of r.events) {
      const a = blockAddr(e);
      if (!a) continue;
      const key = `${a.dev} ${a.sector}`;
      if (e.name === 'block_rq_issue') issued.set(key, e);
      if (e.name !== 'block_rq_complete' || !issued.has(key)) continue;
      const op = a.rwbs[0] === 'R' ? 'read' : a.rwbs[0] === 'W' ? 'write' : undefined;
      const d2c = e.ns - issued.get(key)!.ns;
      issued.delete(key);
      if (op === undefined) continue;
      for (const dev of [a.dev, 'all']) {
        const k = `${op} ${dev}`;
        values.set(k, [...(values.get(k) ?? []), d2c]);
      }
    }
    // README: xfs on loop0 (7:0) and ext4 on loop4 (7:4).
    assert.deepEqual([...values.keys()].sort(), ['read 7:0', 'read 7:4', 'read all', 'write 7:0', 'write 7:4', 'write all']);
    const groups = (await queries(file)).latency({ layer: 'block', stage: 'D2C' });
    for (const [k, v] of values) {
      const [op, dev] = k.split(' ') as [string, string];
      const sorted = [...v].sort((a, b) => a - b);
      const g = groups.find((x) => x.op === op && x.device === dev);
      assert.ok(g, k);
      assert.deepEqual([g.count, g.p50, g.p90, g.p99, g.max], [sorted.length, pct(sorted, 0.5), pct(sorted, 0.9), pct(sorted, 0.99), sorted[sorted.length - 1]], k);
    }
    // `all` comes first for an op, then the devices in order.
    assert.deepEqual(
      groups.filter((g) => g.op === 'read').map((g) => g.device),
      ['all', '7:0', '7:4'],
    );
  });
}

test('lines: damaged inputs: CRLF endings are dropped, invalid UTF-8 decoded as the file decodes, a header-only trace', async () => {
  for (const name of ['m03-crlf.txt', 'm05-invalid-utf8.txt', 'm09-header-only.txt', 'm01-truncated-last-line.txt']) {
    const file = path.join(samplesDir, '90-malformed', name);
    const want = raw(file).lines.map((l) => l.replace(/\r$/, ''));
    const q = await queries(file);
    const w = q.lines(1, 1_000_000);
    assert.equal(w.totalLines, want.length, name);
    assert.deepEqual(w.lines, want, name);
  }
  // m03 is m01's base with CRLF: its events are decoded without the CR.
  const crlf = raw(path.join(samplesDir, '90-malformed', 'm03-crlf.txt'));
  const issue = crlf.events.find((e) => e.name === 'block_rq_issue')!;
  assert.ok(crlf.lines[issue.line - 1]!.endsWith('\r'));
  const d = (await queries(crlf.path)).eventAt(issue.line)!;
  assert.equal(d.payload, issue.payload);
  assert.equal(d.fields.find((f) => f.name === 'nr_sector')?.value, blockAddr(issue)!.n);
});

test('lines: m04-long-line.txt: a line of exactly 1 MiB is returned whole, not cut', async () => {
  const file = path.join(samplesDir, '90-malformed', 'm04-long-line.txt');
  const want = raw(file).lines;
  const long = want.findIndex((l) => /^x+$/.test(l));
  // README: one 1 MiB line of `x` after line 162.
  assert.deepEqual([long + 1, want[long]!.length], [163, 1024 * 1024]);
  const got = (await queries(file)).lines(long + 1, 1).lines[0]!;
  assert.equal(got.length, want[long]!.length);
  assert.equal(got, want[long]);
});

test('lineAtTime: m07-timestamp-backwards.txt: the first event at or after a time, with one event moved 1 s back', async () => {
  const file = path.join(samplesDir, '90-malformed', 'm07-timestamp-backwards.txt');
  const r = raw(file);
  // README: line 250's event moved from 309.322205 to 308.322205.
  assert.equal(r.byLine.get(250)?.tsText, '308.322205');
  const q = await queries(file);
  for (const e of r.events) {
    const first = r.events.find((x) => x.ns >= e.ns)!;
    assert.equal(q.lineAtTime(Number(e.tsText)), first.line, `at ${e.tsText} (line ${e.line})`);
  }
});

// samples/02-counter-clock (README): `trace_clock=counter`, timestamps are bare integers (`75:`); trace.txt
// holds the top buffer's 26 events, report-both.txt those and the instance `ctr`'s (52, `ctr: ` lines).
const COUNTER = /^(?:(\w+):)?\s*(.*)-(\d+)\s+\[(\d{3})\]\s+(?:[\w.]{4,6}\s+)?(\d+):\s+(\w+)/;
for (const [name, count] of [
  ['trace.txt', 26],
  ['report-both.txt', 52],
] as const) {
  const file = path.join(samplesDir, '02-counter-clock', name);
  const counterLines = (): { line: number; instance: string | undefined; pid: number; counter: string }[] =>
    raw(file).lines.flatMap((l, i) => {
      const m = COUNTER.exec(l);
      return m ? [{ line: i + 1, instance: m[1], pid: Number(m[3]), counter: m[5]! }] : [];
    });

  test(`eventAt: samples/02 ${name}: a counter clock's timestamps are kept as printed`, async () => {
    const lines = counterLines();
    assert.equal(lines.length, count, 'README: events of the file');
    const q = await queries(file);
    for (const l of lines) {
      const d = q.eventAt(l.line)!;
      assert.deepEqual([d.tsText, d.pid, d.instance], [l.counter, l.pid, l.instance], `line ${l.line}`);
      assert.equal(d.sinceStartNs, Number(l.counter) - Number(lines[0]!.counter));
    }
  });

  test(`eventAt, lineAtTime, eventsPage: samples/02 ${name}: a counter clock's time is the printed counter`, async () => {
    const lines = counterLines();
    const q = await queries(file);
    for (const l of lines) assert.equal(q.eventAt(l.line)!.ts, Number(l.counter), `line ${l.line}`);
    const at77 = lines.find((l) => l.counter === '77')!;
    assert.equal(q.lineAtTime(77), at77.line);
    assert.deepEqual(
      [...q.eventsPage({ from: 77, to: 81 }, 0, 100)!.line],
      lines.filter((l) => Number(l.counter) >= 77 && Number(l.counter) <= 81).map((l) => l.line),
    );
  });
}
