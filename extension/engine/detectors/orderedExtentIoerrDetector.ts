/**
 * Ordered-extent detectors (btrfs), over the extents rebuilt by OrderedExtentTracker:
 *
 * - `ordered-extent-ioerr`: an ordered extent that finished with IOERR (the flag by name or by bit in
 *   either layout, or a completion with uptodate=0). btrfs inserts no file extent item for such an extent,
 *   so bytes of it that did reach the disk are unreferenced and the range reads back as a hole. Severity
 *   `error` when part of the range was written successfully (per-range completions with uptodate=1, or
 *   block writes inside its disk range that completed with 0), `warning` when the whole range failed.
 * - `ordered-extent-unfinished`: an extent added and never finished by the end of the trace while later
 *   events show tasks waiting for it (fsync, sync, btrfs_start_ordered_extent, D-state switches, hung-task
 *   reports), and older than `minAgeNs` (or with a hung-task report): the seed of a hang analysis.
 *
 * Findings carry no line numbers or pointers in their message or details, so the same events in kernel
 * text and in trace-cmd output give identical findings (only `line` and `evidence` differ).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { mappingsText } from '../lifecycle/btrfsDiskMap';
import { devName } from '../lifecycle/devName';
import { ByteRanges } from '../lifecycle/orderedExtentRanges';
import { hasIoerr, isFinished, type OrderedExtent, type OrderedExtentWaiter } from '../lifecycle/orderedExtentState';
import type { OrderedExtentTracker } from '../lifecycle/orderedExtentTracker';
import { LineRoles } from '../requests/lineRoles';
import type { RequestView } from '../requests/requestView';
import type { Detector, DetectorContext } from './detector';

function kib(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;
}

function rangesText(r: ByteRanges): string {
  return r.list().map(([s, e]) => `[${s}, ${e})`).join(', ');
}

function where(oe: OrderedExtent): string {
  return `btrfs ordered extent of ino ${oe.ino} (root ${oe.root}), file range [${oe.fileOffset}, ${oe.fileOffset + oe.len}) at disk bytenr ${oe.diskStart}`;
}

/** ` (btrfs logical 14680064 is 7:2 sector 28672: …)` when the trace proves where the extent is on a device. */
function placeText(oe: OrderedExtent): string {
  const ms = oe.mappings ?? [];
  return ms.length === 0 ? '' : ` (${mappingsText(ms, devName)})`;
}

function identity(oe: OrderedExtent): { [key: string]: JsonValue } {
  return { fsid: oe.fsid, root: oe.root, ino: oe.ino, fileOffset: oe.fileOffset, len: oe.len, diskStart: oe.diskStart, diskLen: oe.diskLen, flags: [...oe.flags.names] };
}

function evidence(file: string, lines: Iterable<number>, roles: LineRoles): Finding['evidence'] {
  return roles.refs(file, [...new Set(lines)].filter((l) => l > 0).sort((a, b) => a - b));
}

/** The stage of the extent's own request printed on `line` ('' when none). */
function stageAtLine(v: RequestView, oe: OrderedExtent, line: number): string {
  for (let k = 0; k < v.stageCount(oe.request); k++) if (v.stageLine(oe.request, k) === line) return v.stageName(oe.request, k);
  return '';
}

/** What the line where IOERR first shows is: the finish or removal of the extent, or another of its events. */
function ioerrRole(v: RequestView, oe: OrderedExtent): string {
  const stage = stageAtLine(v, oe, oe.ioerrLine);
  if (stage === 'mark_finished' || stage === 'finish') return 'ordered extent finished with IOERR';
  if (stage === 'remove') return 'ordered extent removed with IOERR';
  return `IOERR flag first set${stage ? ` (ordered extent ${stage})` : ''}`;
}

/** Why an event shows a task waiting for the extent. */
function waiterRole(w: OrderedExtentWaiter): string {
  const who = `${w.comm || '?'}-${w.pid}`;
  switch (w.kind) {
    case 'fsync':
      return `fsync by ${who} waits for it`;
    case 'sync':
      return `sync by ${who} waits for every ordered extent`;
    case 'hung-task':
      return `hung task ${who} (sched_process_hang)`;
    case 'd-state':
      return `${who} switched out in D state`;
    case 'oe-wait':
      return `${who} waits for it (btrfs_start_ordered_extent)`;
    case 'inode-activity':
      return `another ordered extent added on the inode`;
  }
}

/** Device bytes minus logical bytes at `sector`, by the extent's proven mapping covering it (0 without one). */
function logicalShift(oe: OrderedExtent, sector: number): number {
  for (const m of oe.mappings ?? []) {
    const shift = m.sector * 512 - m.logical;
    const at = sector * 512 - shift;
    if (at >= m.logical && at < m.logical + m.bytes) return shift;
  }
  const m = oe.mappings?.[0];
  return m === undefined ? 0 : m.sector * 512 - m.logical;
}

/** Disk (logical) ranges mapped to file offsets; only for uncompressed extents, where they map 1:1. */
function toFile(oe: OrderedExtent, disk: ByteRanges | undefined, into: ByteRanges): void {
  if (disk === undefined || oe.diskLen !== oe.len) return;
  for (const [s, e] of disk.list()) into.add(oe.fileOffset + s - oe.diskStart, oe.fileOffset + e - oe.diskStart);
}

/**
 * The block writes proven to be the extent's own (btrfsDiskMap: they completed right before its range was
 * reported done; or its children, which are those, unless another layer held them first), issued while it
 * was open. Never writes found by the extent's logical address alone.
 */
function linkedWrites(ctx: DetectorContext, oe: OrderedExtent): number[] {
  const v = ctx.requests;
  const until = oe.removedTs >= 0 ? oe.removedTs : Infinity;
  const ids = new Set([...(oe.writes ?? []), ...v.children(oe.request)]);
  return [...ids].filter((c) => v.layer(c) === 'block' && v.op(c) === 'write' && v.sector(c) >= 0 && v.result(c) !== undefined && v.firstTs(c) <= until);
}

/** `ordered-extent-ioerr`: extents dropped with IOERR, and the written bytes lost with them. */
export class OrderedExtentIoerrDetector implements Detector {
  readonly kind = 'ordered-extent-ioerr';
  readonly description = FINDING_KINDS['ordered-extent-ioerr'].description;

  constructor(private readonly tracker: OrderedExtentTracker) {}

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    for (const oe of this.tracker.extents) if (hasIoerr(oe)) out.push(this.finding(ctx, oe));
    return out;
  }

  private finding(ctx: DetectorContext, oe: OrderedExtent): Finding {
    const diskOk = new ByteRanges();
    const diskFailed = new ByteRanges();
    if (oe.diskOk) diskOk.addAll(oe.diskOk);
    if (oe.diskFailed) diskFailed.addAll(oe.diskFailed);
    const lines: number[] = [oe.addedLine, oe.ioerrLine, oe.removedLine, ...(oe.failLines ?? []), ...(oe.blockLines ?? [])];
    let errno = oe.blockErrno;
    const v = ctx.requests;
    const roles = new LineRoles(v, ctx.store);
    if (oe.ioerrLine > 0) roles.name(oe.ioerrLine, ioerrRole(v, oe));
    roles.name(oe.addedLine, 'ordered extent added').name(oe.removedLine, 'ordered extent removed');
    for (const l of oe.failLines ?? []) roles.name(l, 'write of a range failed (uptodate=0)');
    for (const b of linkedWrites(ctx, oe)) {
      const result = v.result(b)!;
      // Device sectors back to the extent's logical bytes, through its proven mapping (else none: identity).
      const shift = logicalShift(oe, v.sector(b));
      (result < 0 ? diskFailed : diskOk).add(v.sector(b) * 512 - shift, (v.sector(b) + v.sectors(b)) * 512 - shift);
      if (result < 0) errno = result;
      lines.push(...v.lines(b));
      roles.request(b);
    }
    for (const l of oe.blockLines ?? []) roles.stageAt(l).fallback(l, 'block write proven to be its own (completed right before its range was done)');
    // A btrfs bio split into several block requests fails as a whole (uptodate=0 for its whole range) even
    // when some of its requests succeeded: block outcomes are the finer truth, completions fill the rest.
    const blockOk = new ByteRanges();
    const blockFailed = new ByteRanges();
    toFile(oe, diskOk, blockOk);
    toFile(oe, diskFailed, blockFailed);
    const written = new ByteRanges();
    if (oe.ok) written.addAll(oe.ok);
    written.addAll(blockOk);
    const failed = new ByteRanges();
    if (oe.failed) failed.addAll(oe.failed);
    failed.addAll(blockFailed);
    // IOERR drops the whole extent, so every written byte is lost (except what a failed request contradicts).
    const lost = written.minus(blockFailed);
    const failedOnly = failed.minus(blockOk);
    const known = !written.empty || !failedOnly.empty;
    const decisive = oe.ioerrLine >= 0 ? oe.ioerrLine : (oe.failLines?.[0] ?? oe.addedLine);
    const errText = errno !== 0 ? ` (block write error ${errno})` : '';
    let message: string;
    if (!lost.empty) {
      message =
        `${where(oe)}${placeText(oe)}, finished with IOERR although ${kib(lost.bytes)} of its ${kib(oe.len)} were written successfully (file ${rangesText(lost)}); ` +
        `${kib(failedOnly.bytes)} failed${errText}. btrfs inserts no file extent item for an ordered extent with IOERR, so the written data is on disk ` +
        'but unreferenced: the whole range reads back as a hole (or its previous extent) and only writeback/fsync reports EIO.';
    } else if (known) {
      message =
        `${where(oe)}${placeText(oe)}, finished with IOERR: every write of its range failed${errText}. btrfs drops the extent (no file extent item), ` +
        'the range keeps its previous contents and fsync reports EIO; no successfully written data was lost with it.';
    } else {
      message =
        `${where(oe)}, finished with IOERR; the trace has no per-range completion for it and no block write proven to be its own ` +
        '(btrfs prints logical addresses: a write counts as the extent\'s only when it completed right before btrfs reported the range done), ' +
        'so whether part of it reached the disk is unknown. btrfs drops the extent (no file extent item) and fsync reports EIO.';
    }
    return {
      kind: this.kind,
      severity: lost.empty ? 'warning' : 'error',
      message,
      file: ctx.file,
      line: decisive,
      evidence: evidence(ctx.file, lines, roles),
      details: {
        ...identity(oe),
        writtenBytes: written.bytes,
        failedBytes: failedOnly.bytes,
        lostBytes: lost.bytes,
        rangesWritten: written.list(),
        rangesFailed: failedOnly.list(),
        rangesLost: lost.list(),
        blockErrno: errno,
        ioerrFlag: oe.ioerrLine >= 0,
        evidenceKnown: known,
      },
    };
  }
}

/** Options of the unfinished-extent detector. */
export interface UnfinishedOptions {
  /** Minimum age at the end of the trace (ns) unless a hung-task report is among the waiters. Default 1 s. */
  readonly minAgeNs?: number;
}

/** `ordered-extent-unfinished`: extents still open at the end of the trace with tasks waiting on them. */
export class OrderedExtentUnfinishedDetector implements Detector {
  readonly kind = 'ordered-extent-unfinished';
  readonly description = FINDING_KINDS['ordered-extent-unfinished'].description;
  private readonly minAgeNs: number;

  constructor(
    private readonly tracker: OrderedExtentTracker,
    options: UnfinishedOptions = {},
  ) {
    this.minAgeNs = options.minAgeNs ?? 1e9;
  }

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    for (const oe of this.tracker.extents) {
      if (!oe.addSeen || isFinished(oe) || oe.waiterCount === 0) continue;
      const age = this.tracker.endTs - oe.addedTs;
      const waiters = oe.waiters ?? [];
      if (age < this.minAgeNs && !waiters.some((w) => w.kind === 'hung-task')) continue;
      const who = [...new Set(waiters.map((w) => `${w.comm}-${w.pid} (${w.kind})`))].join(', ');
      out.push({
        kind: this.kind,
        severity: 'warning',
        message:
          `${where(oe)}, was added ${(age / 1e9).toFixed(3)} s before the end of the trace and never finished (no mark_finished, ` +
          `completion or remove), while ${oe.waiterCount} later event(s) show tasks waiting for it: ${who}. ` +
          'Its writes have not completed: look for stuck I/O below btrfs (a hung device, a suspended or failing queue).',
        file: ctx.file,
        line: oe.addedLine,
        evidence: evidence(ctx.file, [oe.addedLine, ...waiters.map((w) => w.line)], unfinishedRoles(ctx, oe, waiters)),
        details: {
          ...identity(oe),
          ageNs: age,
          waiterCount: oe.waiterCount,
          waiters: [...new Map(waiters.map((w) => [`${w.kind}:${w.pid}`, { kind: w.kind, pid: w.pid, comm: w.comm }])).values()],
        },
      });
    }
    return out;
  }
}

/** The unfinished extent's `add` line and each waiter's line, named by why it waits. */
function unfinishedRoles(ctx: DetectorContext, oe: OrderedExtent, waiters: readonly OrderedExtentWaiter[]): LineRoles {
  const roles = new LineRoles(ctx.requests, ctx.store).name(oe.addedLine, 'ordered extent added (never finished)');
  for (const w of waiters) roles.name(w.line, waiterRole(w));
  return roles;
}
