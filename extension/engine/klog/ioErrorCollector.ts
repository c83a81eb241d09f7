/**
 * IoErrorCollector: the kernel-log parser's companion that keeps the I/O error lines of a log, in the
 * same pass (the parser hands it every message with its reader prefix stripped).
 *
 * Per line it runs the recogniser; around it, it keeps the little state the formats need:
 * - detail lines are tied to the failure they describe (`of`): SCSI sense and CDB lines to the
 *   `FAILED Result` of the same disk and tag, ATA taskfiles, results and status bits to the port's
 *   `failed command`, NVMe abort statuses to the controller's timeout; the CDB's op and LBA and the ATA
 *   taskfile's LBA, count and result are copied onto the failure's record;
 * - the <= 3.x split SCSI form (`Unhandled error code`, a bare `Result:` line, an empty `CDB:` followed by
 *   `Write(10): 2a 00 ...`) and libata's unprefixed `res` continuation lines are joined to the lines above;
 * - lines whose prefix was lost to console noise glued in front (`node1 login: [  519.2] nvme ...`) and
 *   several records run together on one line are read from each embedded `[seconds]` stamp;
 * - names proved by the log: SCSI addresses with their disk (`sd 0:0:0:0: [sda]`) and device numbers
 *   (btrfs `device fsid ... /dev/loop6 (7:6)`).
 * Memory is bounded: after MAX_RECORDS records only counts are kept.
 */
import type { TimeSource } from '../contracts/report';
import type { IoErrorLine } from './ioErrorLine';
import type { LogMessage } from './logPrefix';
import { firstNonBlank, recogniseIoError } from './recogniseIoError';
import { cdbRecord, parseCdb, scsiAddressOf } from './recogniseScsiLine';

/** One I/O error line of a log: what the recogniser read, with its line, time and the failure it details. */
export interface KlogIoRecord extends IoErrorLine {
  /** 1-based line in the log. */
  readonly line: number;
  /** Seconds since boot (monotonic) or Unix seconds (wall clock), as the line's stamp says. */
  readonly ts?: number;
  readonly timeSource: TimeSource;
  /** For detail lines: the index of the record whose failure they describe; -1 otherwise. */
  readonly of: number;
}

/** The I/O error lines of one log and the device names it proves. */
export interface KlogIoErrors {
  readonly records: readonly KlogIoRecord[];
  /** Records not kept after the cap, by device (`?` for lines without one). */
  readonly dropped: ReadonlyMap<string, number>;
  /** Device numbers the log states for names (btrfs `device fsid ... /dev/loop6 (7:6)`): name -> `7:6` and the line. */
  readonly devNums: ReadonlyMap<string, { readonly devNum: string; readonly line: number }>;
  /** SCSI addresses the log names (`sd 0:0:0:0: [sda]`): `0:0:0:0` -> `sda`. */
  readonly scsiNames: ReadonlyMap<string, string>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Rec = Mutable<KlogIoRecord>;

const MAX_RECORDS = 20_000;
/** A detail line belongs to a failure printed at most this many lines above it. */
const DETAIL_REACH = 12;
const STAMP = /\[\s{0,12}(\d{1,12})\.(\d{1,9})\] ?/y;

export class IoErrorCollector {
  private readonly records: Rec[] = [];
  private readonly dropped = new Map<string, number>();
  private readonly devNums = new Map<string, { devNum: string; line: number }>();
  private readonly scsiNames = new Map<string, string>();
  /** Last SCSI failure per `disk#tag` (and per disk), for its detail lines. */
  private readonly scsiCommand = new Map<string, number>();
  /** Last ATA failure per port, and the last port seen (for unprefixed `res` lines). */
  private readonly ataCommand = new Map<string, number>();
  private lastAtaPort: { port: string; line: number } | undefined;
  /** Last NVMe timeout per controller. */
  private readonly nvmeTimeout = new Map<string, number>();
  /** An empty `CDB:` waiting for its bytes on the next line. */
  private pendingCdb: { line: number; device?: string; port?: string; tag?: number; of: number } | undefined;
  /** The last SCSI failure of the <= 3.x split form (`Unhandled ... code`), for a bare `Result:` line. */
  private lastUnhandled: { line: number; index: number; device?: string } | undefined;

  /** Reads one message of the log (line numbers increase). */
  push(line: number, msg: LogMessage): void {
    const text = msg.msg;
    if (text.length < 8) return;
    const c = text.charCodeAt(firstNonBlank(text));
    if (c === 0x73 /* s */) this.learnScsiName(text);
    if (this.pendingCdb) {
      const p = this.pendingCdb;
      this.pendingCdb = undefined;
      const cdb = line === p.line + 1 ? parseCdb(text, firstNonBlank(text)) : undefined;
      if (cdb) {
        const rec = cdbRecord(cdb, p.device, p.port, p.tag);
        this.patchCommand(p.of, rec);
        this.add(line, msg.ts, msg.timeSource, rec, p.of);
        return;
      }
    }
    const open = text.indexOf('[');
    if (open < 0) {
      this.read(line, text, msg.ts, msg.timeSource);
      return;
    }
    // Records run together, or console noise glued in front of a record: read from each embedded stamp.
    let start = 0;
    let ts = msg.ts;
    let source = msg.timeSource;
    let at = open;
    while (at >= 0) {
      STAMP.lastIndex = at;
      const m = STAMP.exec(text);
      if (m) {
        if (at > start) this.read(line, text.slice(start, at), ts, source);
        ts = Number(m[1]) + Number(`0.${m[2]!}`);
        source = 'monotonic';
        start = STAMP.lastIndex;
      }
      at = text.indexOf('[', at + 1);
    }
    this.read(line, start === 0 ? text : text.slice(start), ts, source);
  }

  finish(): KlogIoErrors {
    return { records: this.records, dropped: this.dropped, devNums: this.devNums, scsiNames: this.scsiNames };
  }

  private learnScsiName(text: string): void {
    const a = scsiAddressOf(text, firstNonBlank(text));
    if (a && this.scsiNames.size < 4096) this.scsiNames.set(a.port, a.device);
  }

  private read(line: number, text: string, ts: number | undefined, source: TimeSource): void {
    const r = recogniseIoError(text);
    if (r === undefined) return;
    if (r.kind === 'device') {
      if (r.device !== undefined && r.devNum !== undefined && this.devNums.size < 4096) this.devNums.set(r.device, { devNum: r.devNum, line });
      return;
    }
    switch (r.source) {
      case 'scsi':
        return this.scsi(line, ts, source, r);
      case 'ata':
        return this.ata(line, ts, source, r, text);
      case 'nvme':
        if (r.kind === 'timeout' && r.port !== undefined) {
          const i = this.add(line, ts, source, r, -1);
          if (i >= 0) this.nvmeTimeout.set(r.port, i);
          return;
        }
        if (r.kind === 'detail' && r.port !== undefined) {
          this.add(line, ts, source, r, this.near(this.nvmeTimeout.get(r.port), line));
          return;
        }
        this.add(line, ts, source, r, -1);
        return;
      case 'buffer':
        if (r.kind === 'detail') {
          // `lost page write due to I/O error on dm-5` (<= 3.x) finishes the buffer line above: a write.
          const prev = this.records.length - 1;
          const p = this.records[prev];
          const of = p && p.kind === 'buffer' && p.device === r.device && line - p.line <= 2 ? prev : -1;
          if (p && of >= 0 && p.op === undefined) {
            p.op = 'WRITE';
            p.opFrom = 'words';
            p.status = 'lost page write';
          }
          this.add(line, ts, source, r, of);
          return;
        }
        this.add(line, ts, source, r, -1);
        return;
      default:
        this.add(line, ts, source, r, -1);
    }
  }

  private scsi(line: number, ts: number | undefined, source: TimeSource, r: IoErrorLine): void {
    let rec = r;
    if (rec.kind === 'command' && rec.port === undefined && rec.device === undefined) {
      // A bare `Result:` line of the split form: the failure of the disk named just above.
      const u = this.lastUnhandled;
      if (u && line - u.line <= 3) {
        const cmd = this.records[u.index];
        if (cmd && rec.status !== undefined) cmd.status = rec.status;
        this.add(line, ts, source, { ...rec, kind: 'detail', ...(u.device !== undefined ? { device: u.device } : {}) }, u.index);
        return;
      }
    }
    if (rec.device === undefined && rec.port !== undefined) {
      const name = this.scsiNames.get(rec.port);
      if (name !== undefined) rec = { ...rec, device: name };
    }
    const key = `${rec.device ?? rec.port ?? '?'}#${rec.tag ?? ''}`;
    if (rec.kind === 'command') {
      const u = this.lastUnhandled;
      // `[sda]  Result: ...` right after `[sda] Unhandled sense code` is the same failure.
      if (rec.status?.startsWith('hostbyte=') && u && line - u.line <= 3 && u.device === rec.device) {
        const cmd = this.records[u.index];
        if (cmd) cmd.status = rec.status;
        this.add(line, ts, source, { ...rec, kind: 'detail' }, u.index);
        return;
      }
      const i = this.add(line, ts, source, rec, -1);
      if (i < 0) return;
      this.scsiCommand.set(key, i);
      this.lastUnhandled = rec.status?.startsWith('unhandled') ? { line, index: i, ...(rec.device !== undefined ? { device: rec.device } : {}) } : undefined;
      return;
    }
    const of = this.near(this.scsiCommand.get(key), line);
    if (rec.kind === 'detail' && rec.at === undefined && rec.op === undefined && rec.status === undefined) {
      // An empty `CDB:`: its bytes are on the next line.
      this.pendingCdb = { line, ...(rec.device !== undefined ? { device: rec.device } : {}), ...(rec.port !== undefined ? { port: rec.port } : {}), ...(rec.tag !== undefined ? { tag: rec.tag } : {}), of };
      this.add(line, ts, source, rec, of);
      return;
    }
    this.patchCommand(of, rec);
    this.add(line, ts, source, rec, of);
  }

  /** Copies a CDB's op and LBA onto the SCSI failure it belongs to. */
  private patchCommand(of: number, detail: IoErrorLine): void {
    const cmd = of >= 0 ? this.records[of] : undefined;
    if (!cmd) return;
    if (cmd.op === undefined && detail.op !== undefined) {
      cmd.op = detail.op;
      cmd.opFrom = 'command';
    }
    if (cmd.at === undefined && detail.at !== undefined) {
      cmd.at = detail.at;
      if (detail.atCount !== undefined) cmd.atCount = detail.atCount;
    }
  }

  private ata(line: number, ts: number | undefined, source: TimeSource, r: IoErrorLine, text: string): void {
    let rec = r;
    if (rec.port === undefined) {
      // An unprefixed `res` continuation line: the port of the taskfile above it.
      const last = this.lastAtaPort;
      if (!last || line - last.line > 2) return void this.add(line, ts, source, rec, -1);
      rec = { ...rec, port: last.port };
    }
    const port = rec.port!;
    this.lastAtaPort = { port, line };
    if (rec.kind === 'command') {
      const i = this.add(line, ts, source, rec, -1);
      if (i >= 0) this.ataCommand.set(port, i);
      return;
    }
    const of = this.near(this.ataCommand.get(port), line);
    const cmd = of >= 0 ? this.records[of] : undefined;
    const taskfile = rec.tag !== undefined;
    if (taskfile) {
      if (!cmd || cmd.tag !== undefined) {
        // A taskfile whose `failed command:` line is not in the log (cut off above): it is the failure.
        const i = this.add(line, ts, source, { ...rec, kind: 'command', status: 'failed command', words: rec.words.replace(/^ATA command/, 'ATA failed command') }, -1);
        if (i >= 0) this.ataCommand.set(port, i);
        return;
      }
      cmd.tag = rec.tag!;
      if (rec.at !== undefined) cmd.at = rec.at;
      if (rec.atCount !== undefined) cmd.atCount = rec.atCount;
      if (rec.bytes !== undefined) cmd.bytes = rec.bytes;
      if (cmd.op === undefined && rec.op !== undefined) {
        cmd.op = rec.op;
        cmd.opFrom = 'command';
      }
    } else if (cmd && /^res /.test(text.slice(firstNonBlank(text))) && rec.status !== undefined) {
      cmd.status = rec.status;
    } else if (cmd && rec.words.startsWith('ATA error:') && rec.status !== undefined) {
      cmd.status = `${cmd.status === 'failed command' ? '' : `${cmd.status}, `}${rec.status}`;
    }
    this.add(line, ts, source, rec, of);
  }

  /** `index` when it is a record at most DETAIL_REACH lines above `line`, else -1. */
  private near(index: number | undefined, line: number): number {
    if (index === undefined) return -1;
    const r = this.records[index];
    return r && line - r.line <= DETAIL_REACH ? index : -1;
  }

  /** Keeps a record (or counts it past the cap); its index, or -1 when it was not kept. */
  private add(line: number, ts: number | undefined, timeSource: TimeSource, r: IoErrorLine, of: number): number {
    if (this.records.length >= MAX_RECORDS) {
      const k = r.device ?? r.port ?? r.devNum ?? '?';
      this.dropped.set(k, (this.dropped.get(k) ?? 0) + 1);
      return -1;
    }
    this.records.push({ ...r, line, ...(ts !== undefined ? { ts } : {}), timeSource, of });
    return this.records.length - 1;
  }
}
