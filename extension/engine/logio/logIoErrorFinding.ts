/**
 * logIoErrorFinding: one `io-error` finding for one device group of a kernel log (see ioErrorGroups).
 *
 * The message leads with what failed at the lowest layer the log shows (block requests, else driver
 * commands, timeouts, the filesystem's own I/O, buffer heads) with counts per op and the time span, then
 * what the other layers say about it (SCSI sense, NVMe status, ATA result, buffer heads lost, the
 * filesystem's inode, file offset and operation, error counters), what followed (journal aborted,
 * read-only, shutdown, member disabled, controller removed), and whether the rate limit dropped lines
 * (the counts are then lower bounds). The decisive line is the group's first failure; it and every other
 * line of the group are evidence with their roles. `details` carries the same facts as numbers and lists.
 */
import type { EvidenceRef, Finding, JsonValue, Severity } from '../contracts/finding';
import type { TimeSource } from '../contracts/report';
import type { KlogIoRecord } from '../klog/ioErrorCollector';
import { blkStatusOfName } from '../klog/ioErrorLine';
import { clipRole } from '../requests/lineRoles';
import type { GroupedLine, IoErrorGroup } from './ioErrorGroups';

/** Evidence lines kept per finding (the rest are counted in `details.evidenceOmitted`). */
const MAX_EVIDENCE = 200;
/** States whose presence makes a group of warnings an error: the device or filesystem stopped working. */
const GRAVE_STATES: ReadonlySet<string> = new Set(['removed', 'controller down', 'member failed', 'shutdown', 'read-only', 'journal aborted', 'transaction aborted', 'offlined']);

/** What a line adds to its finding, for `linkNote` and the evidence of the trace side. */
export interface LinkNote {
  /** Sentence appended to the message. */
  readonly text: string;
  readonly evidence: readonly EvidenceRef[];
  readonly details: { readonly [key: string]: JsonValue };
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `10 READ, 1 WRITE` (most first), `2 of unknown op` for lines that print none; '' when no line has an op. */
function opsText(lines: readonly GroupedLine[]): string {
  const m = new Map<string, number>();
  let unknown = 0;
  for (const l of lines) {
    if (l.op === undefined) unknown++;
    else m.set(l.op, (m.get(l.op) ?? 0) + 1);
  }
  if (m.size === 0) return '';
  const known = [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([op, n]) => `${n} ${op}`);
  return [...known, ...(unknown > 0 ? [`${unknown} of unknown op`] : [])].join(', ');
}

/** `WRITE` for one line, `all WRITE` when every line has that op, else `7 READ, 2 WRITE`; '' when no line has an op. */
function opsCompact(lines: readonly GroupedLine[]): string {
  const ops = unique(lines.map((l) => l.op));
  if (ops.length === 1 && ops[0] !== undefined) return lines.length === 1 ? ops[0] : `all ${ops[0]}`;
  return opsText(lines);
}

/** `(WRITE: why)`, `(why)` when no op is known. */
function paren(ops: string, why: string): string {
  return ops && why ? `(${ops}: ${why})` : ops || why ? `(${ops || why})` : '';
}

/** A status as words: a block status name gets `error` (`critical medium error`), other texts stay. */
function statusText(s: string): string {
  return blkStatusOfName(s) !== undefined ? `${s} error` : s;
}

function byOp(lines: readonly GroupedLine[]): { [op: string]: number } {
  const out: { [op: string]: number } = {};
  for (const l of lines) out[l.op ?? 'unknown'] = (out[l.op ?? 'unknown'] ?? 0) + 1;
  return out;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

function listText(xs: readonly (string | number)[], max = 4): string {
  const u = unique(xs);
  return u.length <= max ? u.join(', ') : `${u.slice(0, max).join(', ')}, … (${u.length})`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A log time as words: `956.608008 s` (since boot), or a wall-clock time as the log printed it,
 * `Oct 27 08:51:30[.655457]` (no year: syslog lines do not print one; no zone: the log's local time).
 */
export function timeWords(ts: number, source: TimeSource): string {
  if (source === 'wall-clock') {
    const sec = Math.floor(ts);
    const us = Math.round((ts - sec) * 1e6);
    const d = new Date(sec * 1000);
    const p2 = (n: number): string => String(n).padStart(2, '0');
    return `${MONTHS[d.getUTCMonth()]!} ${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}${us > 0 ? `.${String(us).padStart(6, '0')}` : ''}`;
  }
  return `${ts.toFixed(6)} s`;
}

function span(lines: readonly GroupedLine[]): string {
  const stamped = lines.filter((l) => l.rec.ts !== undefined);
  if (stamped.length === 0) return '';
  const first = stamped[0]!.rec;
  const last = stamped[stamped.length - 1]!.rec;
  return first.ts === last.ts ? ` at ${timeWords(first.ts!, first.timeSource)}` : ` between ${timeWords(first.ts!, first.timeSource)} and ${timeWords(last.ts!, last.timeSource)}`;
}

/** How a line's op was known, when not printed on it. */
function opNote(lines: readonly GroupedLine[]): string {
  const from = unique(lines.filter((l) => l.op !== undefined && l.opFrom !== 'printed' && l.opFrom !== 'command').map((l) => l.opFrom));
  const words = from.map((f) => (f === 'flags' ? 'the op read from the request flags' : f === 'cdb' ? 'the op taken from the SCSI command at the same LBA' : f === 'buffer' ? 'the op taken from the buffer heads at the same place' : 'the op from the message text'));
  return words.length > 0 ? `; ${words.join(', ')}` : '';
}

/** The SCSI sense and additional sense of the failed commands, or their host/driver bytes. */
function scsiWhy(group: IoErrorGroup, commands: readonly GroupedLine[]): string {
  const details = group.lines.filter((l) => l.rec.source === 'scsi' && l.rec.kind === 'detail' && l.rec.status !== undefined && commands.some((c) => c.index === l.rec.of));
  const sense = unique(details.filter((l) => !l.rec.status!.startsWith('hostbyte=')).map((l) => l.rec.status!));
  if (sense.length > 0) return listText(sense, 4);
  return listText(commands.map((c) => c.rec.status ?? ''), 2);
}

/** What a filesystem-level failure is called in the summary. */
function fsLabel(rec: KlogIoRecord): string {
  if (rec.source === 'btrfs' && rec.inode !== undefined) return 'direct I/O failure';
  if (rec.source === 'ext4' && rec.inode !== undefined) return 'data write failure';
  if (rec.source === 'ext4' && rec.level !== undefined) return 'error report';
  if (rec.source === 'bcachefs' && rec.path !== undefined) return `data ${rec.op === 'WRITE' ? 'write' : 'read'} error`;
  return labelOfStatus(rec.status ?? 'I/O error');
}

/** A status phrase as a countable noun: `superblock write failed` -> `superblock write failure`. */
function labelOfStatus(s: string): string {
  return s.endsWith(' failed') ? `${s.slice(0, -' failed'.length)} failure` : s;
}

const FS_NAMES: Readonly<Record<string, string>> = { btrfs: 'btrfs', xfs: 'XFS', ext4: 'ext4', jbd2: 'jbd2', md: 'md', dm: 'device-mapper', bcachefs: 'bcachefs' };

function fsParts(fsio: readonly GroupedLine[]): string[] {
  const parts: string[] = [];
  const bySource = new Map<string, GroupedLine[]>();
  for (const l of fsio) {
    const k = `${l.rec.source}|${l.rec.fsDevice ?? l.rec.device ?? ''}`;
    (bySource.get(k) ?? bySource.set(k, []).get(k)!).push(l);
  }
  for (const [k, ls] of bySource) {
    const [source, dev] = k.split('|') as [string, string];
    if (source === 'md' || source === 'dm') {
      // md and device-mapper lines say it best in their own words.
      parts.push(listText(ls.map((l) => l.rec.words), 3));
      continue;
    }
    const byLabel = new Map<string, GroupedLine[]>();
    for (const l of ls) (byLabel.get(fsLabel(l.rec)) ?? byLabel.set(fsLabel(l.rec), []).get(fsLabel(l.rec))!).push(l);
    const items = [...byLabel].map(([label, xs]) => {
      const inodes = xs.filter((x) => x.rec.inode !== undefined).map((x) => x.rec.inode!);
      const offsets = xs.filter((x) => x.rec.fileOffset !== undefined).map((x) => x.rec.fileOffset!);
      const sectors = xs.filter((x) => x.rec.sector !== undefined).map((x) => x.rec.sector!);
      const paths = xs.filter((x) => x.rec.path !== undefined && x.rec.source === 'bcachefs').map((x) => x.rec.path!);
      const statuses = unique(xs.map((x) => x.rec.status).filter((s): s is string => s !== undefined && s !== label && labelOfStatus(s) !== label));
      let what = opsCompact(xs);
      if (inodes.length > 0) what += `${what ? ' of' : ''} inode ${listText(inodes)}`;
      if (paths.length > 0) what += ` of ${listText(paths, 1)}`;
      if (offsets.length > 0) what += ` at file offset ${listText(offsets)}`;
      if (sectors.length > 0) what += ` at sector ${listText(sectors)}`;
      if (xs.length === 1 && xs[0]!.rec.bytes !== undefined) what += ` (${xs[0]!.rec.bytes} bytes)`;
      const why = statuses.map(statusText).join(', ');
      return `${plural(xs.length, label)} ${paren(what.trim(), why)}`.trim();
    });
    parts.push(`${FS_NAMES[source] ?? source}${dev ? ` on ${dev}` : ''}: ${items.join(', ')}`);
  }
  return parts;
}

function countersPart(group: IoErrorGroup): string | undefined {
  const c = group.lines.filter((l) => l.rec.kind === 'counters' && l.rec.counters);
  if (c.length === 0) return undefined;
  const byPath = new Map<string, GroupedLine[]>();
  for (const l of c) (byPath.get(l.rec.path ?? '') ?? byPath.set(l.rec.path ?? '', []).get(l.rec.path ?? '')!).push(l);
  return [...byPath]
    .map(([path, ls]) => {
      const last = ls[ls.length - 1]!.rec.counters!;
      const first = ls[0]!.rec.counters!;
      const grew = (['wr', 'rd', 'flush', 'corrupt', 'gen'] as const).filter((k) => last[k] > first[k]).map((k) => `${k} +${last[k] - first[k]}`);
      return `btrfs error counters of ${path}: wr ${last.wr}, rd ${last.rd}, flush ${last.flush}, corrupt ${last.corrupt}, gen ${last.gen}${ls.length > 1 && grew.length > 0 ? ` (${grew.join(', ')} over ${ls.length} lines)` : ''}`;
    })
    .join('; ');
}

function severityOf(group: IoErrorGroup, io: readonly GroupedLine[]): Severity {
  const grave = io.some((l) => {
    const r = l.rec;
    if (r.kind === 'timeout') return false;
    if (r.source === 'dm' && r.kind === 'command') return false;
    if (r.source === 'ata') return /media error|UNC|IDNF/.test(r.status ?? '');
    return true;
  });
  if (grave) return 'error';
  return group.lines.some((l) => l.cls === 'state' && GRAVE_STATES.has(l.rec.status ?? '')) ? 'error' : 'warning';
}

/** The finding of one group with at least one `io` line (undefined otherwise). */
export function logIoErrorFinding(file: string, group: IoErrorGroup, dropped: number, link?: LinkNote): Finding | undefined {
  const io = group.lines.filter((l) => l.cls === 'io');
  if (io.length === 0) return undefined;
  const requests = io.filter((l) => l.rec.kind === 'request');
  const commands = io.filter((l) => l.rec.kind === 'command');
  const timeouts = io.filter((l) => l.rec.kind === 'timeout');
  const buffers = io.filter((l) => l.rec.kind === 'buffer');
  const fsio = io.filter((l) => l.rec.kind === 'io' || l.rec.kind === 'counters');
  const fsOwn = fsio.filter((l) => l.rec.kind === 'io');
  const who =
    group.keyKind === 'unnamed'
      ? `${group.device} (the log names no device)`
      : `${group.device}${group.devNum && group.devNum.devNum !== group.device ? ` (${group.devNum.devNum})` : ''}`;
  const parts: string[] = [];
  let head: string;
  const statusWords = (ls: readonly GroupedLine[]): string => listText(ls.map((l) => l.rec.status ?? 'I/O'), 3);
  if (requests.length > 0) {
    const first = requests.find((l) => l.rec.sector !== undefined);
    const ops = opsCompact(requests);
    head = `${plural(requests.length, 'failed block request')} (${ops ? `${ops}; ` : 'op not printed; '}${statusWords(requests)} error${opNote(requests)})${span(io)}${first ? `, the first ${first.op ?? 'request'} at sector ${first.rec.sector}` : ''}`;
  } else if (commands.length > 0) {
    head = `${commandText(group, commands)}${span(io)}`;
  } else if (timeouts.length > 0) {
    head = `${timeoutText(timeouts)}${span(io)}`;
  } else if (fsOwn.length > 0) {
    head = `${fsParts(fsOwn).join('; ')}${span(io)}`;
  } else if (buffers.length > 0) {
    head = `${bufferText(buffers)}${span(io)}`;
  } else {
    head = `${countersPart(group) ?? 'I/O errors'}${span(io)}`;
  }
  if (requests.length > 0 && commands.length > 0) parts.push(commandText(group, commands));
  if ((requests.length > 0 || commands.length > 0) && timeouts.length > 0) parts.push(timeoutText(timeouts));
  if (requests.length + commands.length + timeouts.length > 0 && fsOwn.length > 0) parts.push(...fsParts(fsOwn));
  if (buffers.length > 0 && (requests.length + commands.length + timeouts.length + fsOwn.length > 0)) parts.push(bufferText(buffers));
  const counters = countersPart(group);
  if (counters !== undefined && !head.startsWith(counters)) parts.push(counters);
  if (group.lines.some((l) => l.cls === 'io' && (l.rec.blkStatus === 3 || l.rec.status === 'critical space allocation'))) {
    parts.push('the status is BLK_STS_NOSPC: the device below ran out of space (a full thin pool or similar), not a media failure');
  }
  const nvme = unique(io.filter((l) => l.rec.nvme !== undefined).map((l) => l.rec.status!));
  if (nvme.length > 0 && requests.some((l) => l.rec.status === 'critical medium') && !nvme.some((s) => /Unrecovered Read Error|Write Fault/.test(s))) {
    parts.push(`the block layer's "critical medium" is its name for the NVMe status ${listText(nvme, 2)}, not proof of bad media`);
  }
  const states = unique(group.lines.filter((l) => l.cls === 'state').map((l) => l.rec.words));
  if (states.length > 0) parts.push(`then: ${listText(states, 4)}`);
  const integrity = group.lines.filter((l) => l.cls === 'integrity');
  if (integrity.length > 0) parts.push(`also ${plural(integrity.length, 'checksum or verifier failure')} (not I/O errors)`);
  const suppressed = group.lines.filter((l) => l.cls === 'suppressed');
  const lost = suppressed.reduce((a, l) => a + (l.rec.count ?? 0), 0) + dropped;
  const tail: string[] = [];
  if (lost > 0) {
    const printers = listText(suppressed.map((l) => l.rec.words.split(':')[0]!), 3);
    const rate = suppressed.length > 0 ? `the kernel's rate limit dropped ${suppressed.reduce((a, l) => a + (l.rec.count ?? 0), 0)} messages of ${printers} next to these lines (the limit is shared by all devices, so some may be of others)` : '';
    const kept = dropped > 0 ? `${dropped} more lines of this device were not kept by iolens` : '';
    tail.push(`${capital([rate, kept].filter((x) => x).join('; '))}: the counts are lower bounds.`);
  }
  if (link) tail.push(link.text);
  const message = `${who}: ${head}${parts.length > 0 ? `; ${parts.join('; ')}` : ''}.${tail.length > 0 ? ` ${tail.join(' ')}` : ''}`;

  const decisive = io[0]!;
  const others = group.lines.filter((l) => l !== decisive);
  // The decisive line first, then the group's other lines in line order, each with what it says.
  const evidence: EvidenceRef[] = [decisive, ...others.slice(0, MAX_EVIDENCE)].map((l) => ({ file, line: l.rec.line, role: clipRole(l === decisive ? `first failure: ${l.rec.words}` : l.rec.words) }));
  if (link) evidence.push(...link.evidence);
  const stamped = io.filter((l) => l.rec.ts !== undefined);
  const details: { [key: string]: JsonValue } = {
    source: 'kernel-log',
    device: group.device,
    deviceKind: group.keyKind,
    names: group.names.length > 0 ? [...group.names] : [group.device],
    devNum: group.devNum?.devNum ?? null,
    errorLines: io.length,
    requests: { total: requests.length, byOp: byOp(requests) },
    commands: { total: commands.length, byOp: byOp(commands) },
    timeouts: timeouts.length,
    buffers: { total: buffers.length, byOp: byOp(buffers) },
    filesystem: { total: fsOwn.length, byOp: byOp(fsOwn) },
    statuses: unique(io.map((l) => l.rec.status).filter((s): s is string => s !== undefined)),
    sectors: unique(io.filter((l) => l.rec.sector !== undefined).map((l) => l.rec.sector!)).slice(0, 64),
    inodes: unique(io.filter((l) => l.rec.inode !== undefined).map((l) => l.rec.inode!)),
    fileOffsets: unique(io.filter((l) => l.rec.fileOffset !== undefined).map((l) => l.rec.fileOffset!)).slice(0, 64),
    states: unique(group.lines.filter((l) => l.cls === 'state').map((l) => l.rec.status ?? l.rec.words)),
    integrityLines: integrity.length,
    suppressed: lost,
    lowerBound: lost > 0,
    firstTs: stamped[0]?.rec.ts ?? null,
    lastTs: stamped[stamped.length - 1]?.rec.ts ?? null,
    timeSource: stamped[0]?.rec.timeSource ?? 'none',
    evidenceOmitted: Math.max(0, others.length - MAX_EVIDENCE),
    ...(link ? link.details : {}),
  };
  return { kind: 'io-error', severity: severityOf(group, io), message, file, line: decisive.rec.line, evidence, details };
}

function capital(s: string): string {
  return s.length > 0 ? s[0]!.toUpperCase() + s.slice(1) : s;
}

function commandText(group: IoErrorGroup, commands: readonly GroupedLine[]): string {
  const out: string[] = [];
  const by = (src: string): GroupedLine[] => commands.filter((c) => c.rec.source === src);
  const statuses = (ls: readonly GroupedLine[]): string => listText(ls.flatMap((c) => (c.rec.status ?? '').split(', ')).filter((x) => x !== ''), 3);
  const scsi = by('scsi');
  if (scsi.length > 0) out.push(`${plural(scsi.length, 'SCSI command')} failed ${paren(opsCompact(scsi), scsiWhy(group, scsi))}`);
  const ata = by('ata');
  if (ata.length > 0) out.push(`${plural(ata.length, 'ATA command')} failed on ${listText(ata.map((c) => c.rec.port ?? '?'), 2)} ${paren(opsCompact(ata), `${statuses(ata)}${ataLbas(ata)}`)}`);
  const nvme = by('nvme');
  if (nvme.length > 0) out.push(`${plural(nvme.length, 'NVMe command')} failed ${paren(opsCompact(nvme), `${statuses(nvme)}${nvme.some((c) => c.rec.nvme?.dnr) ? ', do not retry' : ''}`)}`);
  const loop = by('loop');
  if (loop.length > 0) out.push(`the loop driver's ${plural(loop.length, 'backing-file I/O')} failed (${opsCompact(loop)} at byte offset ${listText(loop.map((c) => c.rec.at?.value ?? '?'))})`);
  const paths = by('dm');
  if (paths.length > 0) {
    const names = unique(paths.map((c) => c.rec.devNum ?? '?'));
    out.push(`multipath failed path ${listText(names)}${paths.length > names.length ? ` (${paths.length} times)` : ''}`);
  }
  return out.join('; ');
}

function ataLbas(ata: readonly GroupedLine[]): string {
  const lbas = ata.filter((c) => c.rec.at !== undefined).map((c) => c.rec.at!.value);
  return lbas.length > 0 ? `; LBA ${listText(lbas)}` : '';
}

function timeoutText(timeouts: readonly GroupedLine[]): string {
  const actions = unique(timeouts.map((t) => (t.rec.status ?? '').replace(/^timeout, /, '')));
  return `${plural(timeouts.length, 'NVMe command timeout')} on ${listText(timeouts.map((t) => t.rec.port ?? '?'), 2)} (${actions.join(', ')})`;
}

function bufferText(buffers: readonly GroupedLine[]): string {
  const writes = buffers.filter((b) => b.op === 'WRITE').length;
  const reads = buffers.filter((b) => b.op === 'READ').length;
  const other = buffers.length - writes - reads;
  const kinds = [writes > 0 ? `${writes} lost write${writes === 1 ? '' : 's'}` : '', reads > 0 ? `${reads} failed read${reads === 1 ? '' : 's'}` : '', other > 0 ? `${other} of unknown op` : ''].filter((s) => s !== '');
  return `${plural(buffers.length, 'buffer-head I/O error')} on ${listText(buffers.map((b) => b.rec.device ?? '?'), 3)} (${kinds.join(', ')}; block ${listText(buffers.map((b) => b.rec.at?.value ?? '?'))})`;
}
