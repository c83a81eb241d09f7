/**
 * ioErrorGroups: the I/O error lines of one kernel log, grouped by the device they are about, each line
 * classified by what it proves.
 *
 * Grouping: a partition belongs to its disk (`sda8` -> `sda`, `nvme0n1p2` -> `nvme0n1`, by the kernel's
 * naming rules), an NVMe controller's timeouts to its one namespace in the log (`nvme0` -> `nvme0n1`), an
 * ATA link's lines to its one device (`ata1` -> `ata1.00`), a SCSI address to the disk the log names for
 * it, a device number to the name the log states for it (btrfs `device ... /dev/loop6 (7:6)`). Lines that
 * name no device (`md: super_written gets error=-5`, `loop: Write error ...`, the btrfs WARN text) join
 * the nearest line of the same subsystem that does (a loop error only the loop device whose failed
 * sector is its byte offset / 512); the rest keep a group of their own (`dm snapshot`). Rate-limit lines
 * join the next line of the printer they count.
 *
 * Classification (`cls`): `io` lines prove a failed I/O (a request, a command, a buffer head, a
 * filesystem's own I/O, a timeout); `integrity` lines are checksum or verifier failures; `state` lines
 * say what followed; `detail`, `recovered` and `suppressed` lines add to a failure. btrfs error counters
 * are `io` when a write, read or flush counter grew (compared with the same device's previous line),
 * `integrity` when only corrupt or generation errors grew; a btrfs direct-I/O failure at the inode and
 * offset of a checksum failure is that checksum failure (a buffer modified during the read), not an I/O
 * error. Only groups with an `io` line become findings.
 *
 * Block lines that print no op (<= 4.12) take the op of the failure the log shows at the same place: a
 * SCSI CDB at LBA = sector, or a buffer head whose block times 1, 2, 4 or 8 is the sector, on the same
 * device within a second; the op says where it came from. A buffer-head line without a suffix in a log of
 * a 4.13+ kernel (block lines print their op, or ext4 prints a blk_status) is ext4's page-io form, which
 * only writeback prints: a write.
 */
import type { KlogIoErrors, KlogIoRecord } from '../klog/ioErrorCollector';
import type { OpSource } from '../klog/ioErrorLine';

export type LineClass = 'io' | 'integrity' | 'state' | 'detail' | 'recovered' | 'suppressed' | 'context';

/** One line of a group: its record, what it proves and its op (possibly taken from another line). */
export interface GroupedLine {
  readonly index: number;
  readonly rec: KlogIoRecord;
  readonly cls: LineClass;
  readonly op?: string;
  readonly opFrom?: OpSource | 'cdb' | 'buffer';
}

export interface IoErrorGroup {
  /** The device: a disk (partitions folded in), dm/md/loop device, ATA port, NVMe controller, `SCSI H:C:T:L`, `maj:min`, or a subsystem when no line names one. */
  readonly device: string;
  /** `name` (a kernel device name), `port` (ATA, NVMe controller, SCSI address), `number` (`maj:min` only), `unnamed`. */
  readonly keyKind: 'name' | 'port' | 'number' | 'unnamed';
  /** `maj:min` when the log states it for this device, with the line that does. */
  readonly devNum?: { readonly devNum: string; readonly line: number };
  /** The group's lines, in line order. */
  readonly lines: readonly GroupedLine[];
  /** Every device name its lines use (the disk, partitions, filesystems on them). */
  readonly names: readonly string[];
}

/** `sda8` -> `sda`, `nvme0n1p2` -> `nvme0n1`, `mmcblk0p1` -> `mmcblk0`; other names unchanged. */
export function wholeDisk(name: string): string {
  const letters = /^((?:sd|vd|hd|xvd)[a-z]+)\d+$/.exec(name);
  if (letters) return letters[1]!;
  const digits = /^((?:nvme\d+(?:c\d+)?n|mmcblk|loop|nbd|md|rbd|zram|pmem|nullb)\d+)p\d+$/.exec(name);
  return digits ? digits[1]! : name;
}

function family(rec: KlogIoRecord): string {
  if (rec.kind === 'suppressed') return rec.family ?? rec.source;
  return rec.source === 'jbd2' ? 'ext4' : rec.source;
}

/** Seconds between two records, undefined when one has no stamp or the clocks differ. */
function apart(a: KlogIoRecord, b: KlogIoRecord): number | undefined {
  return a.ts !== undefined && b.ts !== undefined && a.timeSource === b.timeSource ? Math.abs(a.ts - b.ts) : undefined;
}

function near(a: KlogIoRecord, b: KlogIoRecord, lines: number, seconds: number): boolean {
  const dt = apart(a, b);
  return Math.abs(a.line - b.line) <= lines && (dt === undefined || dt <= seconds);
}

/** The group key of a record that names its device (or port, or number), before neighbours are consulted. */
function ownKey(rec: KlogIoRecord, errors: KlogIoErrors, fold: { ata: Map<string, string>; nvme: Map<string, string> }, byNumber: Map<string, string>): { key: string; kind: IoErrorGroup['keyKind'] } | undefined {
  if (rec.kind === 'suppressed') return undefined;
  if (rec.device !== undefined) return { key: wholeDisk(rec.device), kind: 'name' };
  if (rec.devNum !== undefined) {
    const name = byNumber.get(rec.devNum);
    return name !== undefined ? { key: wholeDisk(name), kind: 'name' } : { key: rec.devNum, kind: 'number' };
  }
  if (rec.port === undefined) return undefined;
  if (rec.source === 'ata') {
    const link = /^ata\d+$/.test(rec.port) ? fold.ata.get(rec.port) : undefined;
    return { key: link ?? rec.port, kind: 'port' };
  }
  if (rec.source === 'nvme') {
    const ns = fold.nvme.get(rec.port);
    return ns !== undefined ? { key: ns, kind: 'name' } : { key: rec.port, kind: 'port' };
  }
  if (rec.source === 'scsi') {
    const name = errors.scsiNames.get(rec.port);
    return name !== undefined ? { key: wholeDisk(name), kind: 'name' } : { key: `SCSI ${rec.port}`, kind: 'port' };
  }
  return undefined;
}

/** ATA links with exactly one device in the log (`ata1` -> `ata1.00`), NVMe controllers with exactly one namespace (`nvme0` -> `nvme0n1`). */
function folds(records: readonly KlogIoRecord[]): { ata: Map<string, string>; nvme: Map<string, string> } {
  const ata = new Map<string, Set<string>>();
  const nvme = new Map<string, Set<string>>();
  for (const r of records) {
    if (r.source === 'ata' && r.port !== undefined) {
      const m = /^(ata\d+)\.\d+$/.exec(r.port);
      if (m) (ata.get(m[1]!) ?? ata.set(m[1]!, new Set()).get(m[1]!)!).add(r.port);
    }
    if (r.device !== undefined) {
      const m = /^(nvme\d+)n\d+/.exec(r.device);
      if (m) (nvme.get(m[1]!) ?? nvme.set(m[1]!, new Set()).get(m[1]!)!).add(wholeDisk(r.device));
    }
  }
  const one = (m: Map<string, Set<string>>): Map<string, string> => new Map([...m].filter(([, s]) => s.size === 1).map(([k, s]) => [k, [...s][0]!]));
  return { ata: one(ata), nvme: one(nvme) };
}

/** The line's class before the group-level rules (counters, checksum-explained DIO failures). */
function baseClass(rec: KlogIoRecord): LineClass {
  switch (rec.kind) {
    case 'request':
    case 'command':
    case 'buffer':
    case 'io':
    case 'timeout':
      return 'io';
    case 'counters':
      return 'context';
    case 'integrity':
      return 'integrity';
    case 'state':
      return 'state';
    case 'recovered':
      return 'recovered';
    case 'suppressed':
      return 'suppressed';
    default:
      return 'detail';
  }
}

/** Groups the I/O error lines of one log by device and classifies each line. */
export function groupIoErrors(errors: KlogIoErrors): IoErrorGroup[] {
  const recs = errors.records;
  const fold = folds(recs);
  const byNumber = new Map<string, string>([...errors.devNums].map(([name, v]) => [v.devNum, name]));
  const keys: ({ key: string; kind: IoErrorGroup['keyKind'] } | undefined)[] = recs.map((r) => ownKey(r, errors, fold, byNumber));

  // Lines that name no device join the nearest line of their subsystem that does.
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    if (keys[i] !== undefined || r.kind === 'suppressed') continue;
    const fam = family(r);
    let found: { key: string; kind: IoErrorGroup['keyKind'] } | undefined;
    for (let d = 1; d <= 6 && !found; d++) {
      for (const j of [i + d, i - d]) {
        const o = recs[j];
        const k = keys[j];
        if (!o || !k || !near(r, o, 6, 2)) continue;
        if (r.source === 'loop') {
          // A loop backing-file error is the request of the loop device at its byte offset / 512.
          if (o.source === 'block' && o.device?.startsWith('loop') && r.at !== undefined && o.sector === Math.floor(r.at.value / 512)) found = k;
        } else if (family(o) === fam) {
          found = k;
        }
        if (found) break;
      }
    }
    keys[i] = found ?? { key: r.source === 'dm' ? 'dm snapshot' : r.source, kind: 'unnamed' };
  }
  // Rate-limit lines join the next line their printer wrote (or the previous one).
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    if (r.kind !== 'suppressed') continue;
    const fam = r.family ?? r.source;
    const matches = (o: KlogIoRecord): boolean => o.kind !== 'suppressed' && (fam === 'any' ? o.source === 'block' || o.source === 'buffer' : family(o) === fam || (fam === 'block' && o.source === 'block'));
    let found: { key: string; kind: IoErrorGroup['keyKind'] } | undefined;
    for (let j = i + 1; j < recs.length && j <= i + 6 && !found; j++) if (matches(recs[j]!) && near(r, recs[j]!, 6, 2)) found = keys[j];
    for (let j = i - 1; j >= 0 && j >= i - 6 && !found; j--) if (matches(recs[j]!) && near(r, recs[j]!, 6, 2)) found = keys[j];
    keys[i] = found;
  }

  const groups = new Map<string, { kind: IoErrorGroup['keyKind']; idx: number[] }>();
  for (let i = 0; i < recs.length; i++) {
    const k = keys[i];
    if (!k) continue;
    let g = groups.get(k.key);
    if (!g) groups.set(k.key, (g = { kind: k.kind, idx: [] }));
    g.idx.push(i);
  }
  const modern = recs.some((r) => (r.source === 'block' && r.opFrom === 'printed') || (r.source === 'ext4' && r.blkStatus !== undefined));
  const out: IoErrorGroup[] = [];
  for (const [device, g] of groups) {
    const lines = classify(recs, g.idx, modern);
    const names = [...new Set(g.idx.flatMap((i) => [recs[i]!.device, recs[i]!.fsDevice].filter((n): n is string => n !== undefined)))];
    const devNum = g.kind === 'name' ? (errors.devNums.get(device) ?? [...errors.devNums].find(([n]) => wholeDisk(n) === device)?.[1]) : g.kind === 'number' ? { devNum: device, line: recs[g.idx[0]!]!.line } : undefined;
    out.push({ device, keyKind: g.kind, ...(devNum ? { devNum } : {}), lines, names });
  }
  return out.sort((a, b) => (a.lines[0]?.rec.line ?? 0) - (b.lines[0]?.rec.line ?? 0));
}

/** Classifies a group's lines and completes missing ops (see the module comment). */
function classify(recs: readonly KlogIoRecord[], idx: readonly number[], modern: boolean): GroupedLine[] {
  const lastCounters = new Map<string, KlogIoRecord>();
  const out: GroupedLine[] = [];
  for (const i of idx) {
    const rec = recs[i]!;
    let cls = baseClass(rec);
    if (rec.kind === 'counters' && rec.counters) {
      const key = rec.path ?? rec.device ?? '';
      const prev = lastCounters.get(key)?.counters;
      const c = rec.counters;
      const io = prev ? c.wr + c.rd + c.flush > prev.wr + prev.rd + prev.flush : c.wr + c.rd + c.flush > 0 && c.corrupt + c.gen === 0;
      const integrity = prev ? !io && c.corrupt + c.gen > prev.corrupt + prev.gen : c.wr + c.rd + c.flush === 0;
      cls = io ? 'io' : integrity ? 'integrity' : 'context';
      lastCounters.set(key, rec);
    }
    if (rec.source === 'btrfs' && rec.kind === 'io' && rec.inode !== undefined && rec.fileOffset !== undefined) {
      const end = rec.fileOffset + Math.max(1, rec.bytes ?? 1);
      const csum = idx.some((j) => {
        const o = recs[j]!;
        return o.source === 'btrfs' && o.kind === 'integrity' && o.inode === rec.inode && o.fileOffset !== undefined && o.fileOffset >= rec.fileOffset! && o.fileOffset < end && (apart(o, rec) ?? 0) <= 5;
      });
      if (csum) cls = 'integrity';
    }
    let op = rec.op;
    let opFrom: GroupedLine['opFrom'] = rec.opFrom;
    if (op === undefined && rec.kind === 'request' && rec.sector !== undefined) {
      const from = opFromNeighbours(recs, idx, rec);
      if (from) ({ op, opFrom } = from);
    }
    if (op === undefined && rec.kind === 'buffer' && rec.status === undefined && modern) {
      // Since 4.x fs/buffer.c always says what was lost; the suffix-less form is ext4's page-io
      // buffer_io_error, printed only when a writeback bio fails.
      op = 'WRITE';
      opFrom = 'words';
    }
    out.push({ index: i, rec, cls, ...(op !== undefined ? { op } : {}), ...(opFrom !== undefined ? { opFrom } : {}) });
  }
  return out;
}

function opFromNeighbours(recs: readonly KlogIoRecord[], idx: readonly number[], rec: KlogIoRecord): { op: string; opFrom: 'cdb' | 'buffer' } | undefined {
  const sector = rec.sector!;
  for (const j of idx) {
    const o = recs[j]!;
    if (o.op === undefined || o.device !== rec.device || !near(o, rec, 12, 1)) continue;
    if (o.source === 'scsi' && o.kind === 'command' && o.at?.unit === 'lba' && o.at.value === sector) return { op: o.op, opFrom: 'cdb' };
  }
  for (const j of idx) {
    const o = recs[j]!;
    if (o.op === undefined || o.kind !== 'buffer' || o.device !== rec.device || o.at === undefined || !near(o, rec, 12, 1)) continue;
    if ([1, 2, 4, 8].some((k) => o.at!.value * k === sector)) return { op: o.op, opFrom: 'buffer' };
  }
  return undefined;
}
