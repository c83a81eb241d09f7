/**
 * StaleIomapDetector (`stale-iomap`): iomaps that went stale under an I/O and had to be remapped.
 *
 * Sources (kernel-formats.md §2.2, §2.3):
 * - `xfs_iomap_invalid` (6.2+): a buffered write's mapping failed revalidation (the data fork sequence or
 *   the inode changed since ->iomap_begin); iomap then sets IOMAP_F_STALE and iomap_iter maps the same
 *   position again without advancing;
 * - `xfs_wb_data_iomap_invalid` / `xfs_wb_cow_iomap_invalid`: writeback's cached mapping was invalid;
 * - IOMAP_F_STALE in the flags of `iomap_iter_dstmap`/`_srcmap` (`iomap_apply_*` before 5.15) and the
 *   writeback map events: by name (`STALE`), by the raw value of 6.18 (`(0x8000)`), or by the ≤6.14 hex
 *   remainder (`NEW|0x200`).
 *
 * Each stale map is tied to the write that had to remap: the same task's last `iomap_iter` on the inode
 * (before) and its next one (the remap), its open write syscall or `xfs_file_buffered_write`, and at the
 * end the syscall / io_uring request the lifecycle trackers put on those lines. One finding per inode:
 * `info` for occasional stale maps (the write revalidated and went on, as designed), `warning` from
 * `frequent` occurrences on (racing writeback, truncate or hole punch against buffered writes).
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { FINDING_KINDS } from '../contracts/findingKinds';
import { devName } from '../lifecycle/devName';
import { iomapFlags } from '../decode/iomapFlags';
import type { DecodedPayload } from '../decode/payloadTypes';
import type { IngestEvent, EventInterest } from '../ingest/eventConsumer';
import { LineRoles } from '../requests/lineRoles';
import type { EventStore } from '../store/eventStore';
import type { Detector, DetectorContext } from './detector';

type StaleSource = 'xfs_iomap_invalid' | 'xfs_wb_iomap_invalid' | 'iomap_f_stale';

interface TaskCtx {
  inSyscall: boolean;
  iterLine: number;
  iterIno: number;
  iterPos: number;
  writeLine: number;
  writeText: string;
  pending: Occurrence | undefined;
}

interface Occurrence {
  readonly source: StaleSource;
  readonly event: string;
  readonly line: number;
  readonly pos: number;
  readonly pid: number;
  readonly comm: string;
  readonly iterLine: number;
  readonly writeLine: number;
  readonly writeText: string;
  remapLine: number;
  /** File position the write resumed at (the remapping iomap_iter's pos); -1 when not seen. */
  remapPos: number;
}

interface InodeGroup {
  readonly dev: number;
  readonly ino: number;
  count: number;
  readonly bySource: Record<string, number>;
  readonly first: Occurrence[];
}

const WRITE_SYSCALLS = new Set(['sys_enter_write', 'sys_enter_pwrite64', 'sys_enter_writev', 'sys_enter_pwritev', 'sys_enter_pwritev2']);
const MAP_EVENTS = new Set(['iomap_iter_dstmap', 'iomap_iter_srcmap', 'iomap_apply_dstmap', 'iomap_apply_srcmap', 'iomap_writepage_map', 'iomap_add_to_ioend']);
const MAX_KEPT = 16;

/** What the line of each kind of stale map is. */
const STALE_ROLES: Readonly<Record<StaleSource, string>> = {
  xfs_iomap_invalid: 'mapping went stale under the write (xfs_iomap_invalid)',
  xfs_wb_iomap_invalid: 'writeback mapping found invalid',
  iomap_f_stale: 'iomap marked IOMAP_F_STALE',
};

/** Options of the stale-iomap detector. */
export interface StaleIomapOptions {
  /** Stale maps per inode from which the finding is a warning. Default 8. */
  readonly frequent?: number;
}

export class StaleIomapDetector implements Detector {
  readonly kind = 'stale-iomap';
  readonly description = FINDING_KINDS['stale-iomap'].description;
  private readonly tasks = new Map<number, TaskCtx>();
  private readonly groups = new Map<string, InodeGroup>();
  private readonly frequent: number;

  constructor(options: StaleIomapOptions = {}) {
    this.frequent = options.frequent ?? 8;
  }

  readonly interest: EventInterest = {
    names: [
      ...WRITE_SYSCALLS,
      ...[...WRITE_SYSCALLS].map((n) => `sys_exit_${n.slice('sys_enter_'.length)}`),
      'xfs_file_buffered_write', 'iomap_iter', 'iomap_apply', 'xfs_iomap_invalid', 'xfs_wb_data_iomap_invalid', 'xfs_wb_cow_iomap_invalid',
      ...MAP_EVENTS,
    ],
  };

  onEvent(ev: IngestEvent, store: EventStore): void {
    const name = ev.name;
    const p = ev.payload;
    if (WRITE_SYSCALLS.has(name)) {
      const t = this.task(ev.pid);
      t.inSyscall = true;
      t.writeLine = ev.line;
      t.writeText = name.slice('sys_enter_'.length);
    } else if (name.startsWith('sys_exit_') && WRITE_SYSCALLS.has(`sys_enter_${name.slice(9)}`)) {
      const t = this.tasks.get(ev.pid);
      if (t !== undefined) {
        t.inSyscall = false;
        t.writeLine = -1;
      }
    } else if (p === undefined) {
      return;
    } else if (name === 'xfs_file_buffered_write') {
      // The write itself when no syscall is traced (io_uring, or syscall events disabled).
      const t = this.task(ev.pid);
      if (!t.inSyscall) {
        t.writeLine = ev.line;
        t.writeText = name;
      }
    } else if (name === 'iomap_iter' || name === 'iomap_apply') {
      this.onIter(ev, p);
    } else if (name === 'xfs_iomap_invalid') {
      this.record(ev, p, store, 'xfs_iomap_invalid');
    } else if (name === 'xfs_wb_data_iomap_invalid' || name === 'xfs_wb_cow_iomap_invalid') {
      this.record(ev, p, store, 'xfs_wb_iomap_invalid');
    } else if (MAP_EVENTS.has(name) && isStaleMap(p, store)) {
      this.record(ev, p, store, 'iomap_f_stale');
    }
  }

  findings(ctx: DetectorContext): Finding[] {
    const out: Finding[] = [];
    for (const g of this.groups.values()) out.push(this.finding(ctx, g));
    return out;
  }

  private task(pid: number): TaskCtx {
    let t = this.tasks.get(pid);
    if (t === undefined) this.tasks.set(pid, (t = { inSyscall: false, iterLine: -1, iterIno: -1, iterPos: -1, writeLine: -1, writeText: '', pending: undefined }));
    return t;
  }

  private onIter(ev: IngestEvent, p: DecodedPayload): void {
    const t = this.task(ev.pid);
    const ino = p.num[p.schema.slot('ino')]!;
    if (t.pending !== undefined && t.iterIno === ino) {
      t.pending.remapLine = ev.line;
      t.pending.remapPos = p.num[p.schema.slot('pos')]!;
      t.pending = undefined;
    }
    t.iterLine = ev.line;
    t.iterIno = ino;
    t.iterPos = p.num[p.schema.slot('pos')]!;
  }

  private record(ev: IngestEvent, p: DecodedPayload, store: EventStore, source: StaleSource): void {
    const s = p.schema;
    const dev = p.num[s.slot('dev')]!;
    const ino = p.num[s.slot('ino')]!;
    const posSlot = s.slot('pos') >= 0 ? s.slot('pos') : s.slot('offset');
    const t = this.task(ev.pid);
    const sameInode = t.iterIno === ino;
    const occ: Occurrence = {
      source,
      event: ev.name,
      line: ev.line,
      pos: p.num[posSlot]!,
      pid: ev.pid,
      comm: store.strings.get(ev.comm),
      iterLine: sameInode ? t.iterLine : -1,
      writeLine: source === 'xfs_wb_iomap_invalid' ? -1 : t.writeLine,
      writeText: source === 'xfs_wb_iomap_invalid' ? '' : t.writeText,
      remapLine: -1,
      remapPos: -1,
    };
    if (source !== 'xfs_wb_iomap_invalid') t.pending = occ;
    const key = `${dev}:${ino}`;
    let g = this.groups.get(key);
    if (g === undefined) this.groups.set(key, (g = { dev, ino, count: 0, bySource: {}, first: [] }));
    g.count++;
    g.bySource[source] = (g.bySource[source] ?? 0) + 1;
    if (g.first.length < MAX_KEPT) g.first.push(occ);
  }

  private finding(ctx: DetectorContext, g: InodeGroup): Finding {
    const first = g.first[0]!;
    const lines: number[] = [];
    const roles = new LineRoles(ctx.requests, ctx.store);
    for (const o of g.first) {
      lines.push(o.iterLine, o.line, o.remapLine, o.writeLine);
      roles.name(o.iterLine, 'the mapping the write used (iomap_iter)').name(o.line, STALE_ROLES[o.source]).name(o.remapLine, 'remap of the same range (iomap_iter)');
      roles.name(o.writeLine, o.writeText.startsWith('xfs_') ? `the buffered write (${o.writeText})` : `buffered write: ${o.writeText} by ${o.comm}-${o.pid}`);
    }
    const writes = g.first.filter((o) => o.source !== 'xfs_wb_iomap_invalid');
    const remapped = writes.filter((o) => o.remapLine > 0).length;
    const callers = new Set<string>();
    for (const o of writes) {
      const line = o.writeLine > 0 ? o.writeLine : o.iterLine;
      const v = ctx.requests;
      const root = line > 0 ? v.atLine(line).map((r) => v.root(r)).find((r) => v.layer(r) === 'syscall' || v.layer(r) === 'io_uring') : undefined;
      callers.add(root !== undefined ? `${v.op(root)} by ${v.comm(root) || o.comm}-${v.pid(root) >= 0 ? v.pid(root) : o.pid}` : o.writeText !== '' ? `${o.writeText} by ${o.comm}-${o.pid}` : `${o.comm}-${o.pid}`);
    }
    const where = `ino 0x${g.ino.toString(16)} on ${devName(g.dev)}`;
    const wb = g.bySource['xfs_wb_iomap_invalid'] ?? 0;
    const what =
      writes.length > 0
        ? `the mapping changed under a buffered write (${[...callers].slice(0, 4).join(', ')}): iomap marked it IOMAP_F_STALE and ` +
          `the write revalidated and mapped the range again (${remapped} of ${writes.length} remaps seen)`
        : 'writeback found its cached mapping invalid and looked the extent up again';
    const frequent = g.count >= this.frequent;
    const message =
      `${g.count} stale iomap(s) on ${where}, the first (${first.event}) for the mapping at 0x${first.pos.toString(16)}` +
      (first.remapPos >= 0 ? `, where the write resumed at 0x${first.remapPos.toString(16)}` : '') +
      `: ${what}` +
      (wb > 0 && writes.length > 0 ? `; writeback also revalidated ${wb} time(s)` : '') +
      (frequent
        ? '. This many stale maps mean writeback, truncate or hole punching is racing with buffered writes on this file, and each costs a remap.'
        : '. An occasional stale map is the revalidation working as designed; frequent ones mean writeback or truncate racing with the writes.');
    const details: { [key: string]: JsonValue } = {
      dev: devName(g.dev),
      ino: g.ino,
      count: g.count,
      bySource: { ...g.bySource },
      remaps: remapped,
      positions: g.first.map((o) => o.pos),
      remapPositions: g.first.filter((o) => o.remapPos >= 0).map((o) => o.remapPos),
      writers: [...callers],
    };
    return {
      kind: this.kind,
      severity: frequent ? 'warning' : 'info',
      message,
      file: ctx.file,
      line: first.line,
      evidence: roles.refs(ctx.file, [...new Set(lines)].filter((l) => l > 0).sort((a, b) => a - b)),
      details,
    };
  }
}

/** True when a map event's flags carry IOMAP_F_STALE (raw 6.18 value, name, or ≤6.14 hex remainder). */
function isStaleMap(p: DecodedPayload, store: EventStore): boolean {
  const rawSlot = p.schema.slot('flags_raw');
  const raw = rawSlot >= 0 ? p.num[rawSlot]! : NaN;
  if (!Number.isNaN(raw)) return iomapFlags.isStale(raw, '6.18');
  const id = p.str[p.schema.slot('flags')]!;
  if (id < 0) return false;
  const text = store.strings.get(id);
  if (text.split('|').includes('STALE')) return true;
  const v = iomapFlags.parse(text, '<=6.14');
  return v !== undefined && iomapFlags.isStale(v, '<=6.14');
}
