/**
 * recogniseScsiLine: SCSI disk (sd) error lines of every era, each `sd H:C:T:L: [sdX] [tag#N] ...`:
 *
 * - the failed command: `FAILED Result: hostbyte=DID_x driverbyte=DRIVER_x[ cmd_age=Ns]` (4.x-6.x; only
 *   DRIVER_OK from 5.14), `UNKNOWN(0x2003) Result: hostbyte=0x.. driverbyte=0x..` (no SCSI constants),
 *   the <= 3.x `Unhandled sense code` / `Unhandled error code` with `[sdX]  Result: ...` (two blanks, or a
 *   line of its own), RHEL5 `SCSI error: return code = 0x...` (no disk name), `Synchronize Cache(10)
 *   failed: Result: ...` and `rejecting I/O to offline device`;
 * - its details: `Sense Key : Medium Error [current]`, `Add. Sense: ...`, `ASC=0x.. ASCQ=0x..`, and the
 *   CDB (`CDB: Read(10) 28 00 ...`, `CDB: opcode=0x8a 8a 00 ...`, or an empty `CDB:` followed by a
 *   `Write(10): 2a 00 ...` line), whose opcode gives the op and whose bytes give the LBA and length (in
 *   the device's logical blocks, whose size the line does not print).
 */
import { matchAt, type IoErrorLine } from './ioErrorLine';

const PREFIX = /(sd|scsi) (\d+:\d+:\d+:\d+): (?:\[([^\]\s]+)\] ?)?(?:tag#(\d+) )?/y;
const RESULT = /(?:FAILED |UNKNOWN\(0x[0-9a-f]+\) )?Result: hostbyte=(\S+) driverbyte=(\S+)(?: cmd_age=(\d+)s)?/y;
const SENSE_KEY = /Sense Key : ([\w ]{1,40}?) ?\[(?:current|deferred)\]/y;
const ADD_SENSE = /Add\. Sense: (.{1,120})/y;
const ASC = /ASC=0x([0-9a-f]+) ASCQ=0x([0-9a-f]+)/y;
const CDB = /CDB: ?/y;
const SYNC_CACHE = /Synchronize Cache\(\d+\) failed: Result: hostbyte=(\S+) driverbyte=(\S+)/y;
const UNHANDLED = /Unhandled (sense|error) code/y;
const RETURN_CODE = /SCSI error: return code = 0x([0-9a-f]+)/y;
const CDB_NAMED = /([A-Z][A-Za-z ]{0,40}?)\((\d+)\):? ?/y;
const CDB_OPCODE = /opcode=0x([0-9a-f]{2}) /y;
const HEX_BYTE = /^[0-9a-f]{2}$/;

/** SCSI sense keys (SPC), for kernels that print them as numbers. */
const SENSE_KEYS: readonly (string | undefined)[] = ['No Sense', 'Recovered Error', 'Not Ready', 'Medium Error', 'Hardware Error', 'Illegal Request', 'Unit Attention', 'Data Protect', 'Blank Check', 'Vendor Specific', 'Copy Aborted', 'Aborted Command', undefined, 'Volume Overflow', 'Miscompare', 'Completed'];

/** SCSI opcodes the block layer sends, to the op it names them by. */
const SCSI_OPS: ReadonlyMap<number, string> = new Map([
  [0x08, 'READ'], [0x28, 'READ'], [0xa8, 'READ'], [0x88, 'READ'],
  [0x0a, 'WRITE'], [0x2a, 'WRITE'], [0xaa, 'WRITE'], [0x8a, 'WRITE'],
  [0x35, 'FLUSH'], [0x91, 'FLUSH'],
  [0x42, 'DISCARD'],
  [0x41, 'WRITE_ZEROES'], [0x93, 'WRITE_ZEROES'],
  [0x2f, 'VERIFY'], [0x8f, 'VERIFY'],
]);

/** What a CDB says: the op and, for data commands, the LBA and length in logical blocks. */
export interface CdbFacts {
  readonly opcode: number;
  readonly op?: string;
  readonly lba?: number;
  readonly blocks?: number;
  /** The command as printed (`Read(10)`, `opcode=0x8a`). */
  readonly name: string;
}

function be(bytes: readonly number[], from: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (bytes[from + i] ?? 0);
  return v;
}

/** Reads the text after `CDB: ` (or a `Write(10): 2a 00 ...` continuation line); undefined when it is no CDB. */
export function parseCdb(text: string, at = 0): CdbFacts | undefined {
  let m: RegExpExecArray | null;
  let name: string;
  let pos: number;
  if ((m = matchAt(CDB_OPCODE, text, at))) {
    name = `opcode=0x${m[1]!}`;
    pos = CDB_OPCODE.lastIndex;
  } else if ((m = matchAt(CDB_NAMED, text, at))) {
    name = `${m[1]!}(${m[2]!})`;
    pos = CDB_NAMED.lastIndex;
  } else {
    return undefined;
  }
  const bytes: number[] = [];
  for (const t of text.slice(pos, pos + 200).trim().split(/ +/)) {
    if (!HEX_BYTE.test(t)) break;
    bytes.push(parseInt(t, 16));
  }
  if (bytes.length < 6) return undefined;
  const opcode = bytes[0]!;
  const op = SCSI_OPS.get(opcode);
  const group = opcode >> 5;
  let lba: number | undefined;
  let blocks: number | undefined;
  if (op === 'READ' || op === 'WRITE' || op === 'VERIFY' || op === 'WRITE_ZEROES') {
    if (group === 0) {
      lba = ((bytes[1]! & 0x1f) << 16) | (bytes[2]! << 8) | bytes[3]!;
      blocks = bytes[4]! === 0 ? 256 : bytes[4]!;
    } else if ((group === 1 || group === 2) && bytes.length >= 9) {
      lba = be(bytes, 2, 4);
      blocks = be(bytes, 7, 2);
    } else if (group === 5 && bytes.length >= 10) {
      lba = be(bytes, 2, 4);
      blocks = be(bytes, 6, 4);
    } else if (group === 4 && bytes.length >= 14) {
      lba = be(bytes, 2, 8);
      blocks = be(bytes, 10, 4);
    }
  }
  return { opcode, name, ...(op !== undefined ? { op } : {}), ...(lba !== undefined ? { lba } : {}), ...(blocks !== undefined ? { blocks } : {}) };
}

/** The record of a CDB line (or the CDB continuation line of the <= 3.x split form). */
export function cdbRecord(cdb: CdbFacts, device: string | undefined, port: string | undefined, tag: number | undefined): IoErrorLine {
  return {
    source: 'scsi',
    kind: 'detail',
    ...(device !== undefined ? { device } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(tag !== undefined ? { tag } : {}),
    ...(cdb.op !== undefined ? { op: cdb.op, opFrom: 'command' as const } : {}),
    ...(cdb.lba !== undefined ? { at: { value: cdb.lba, unit: 'lba' as const } } : {}),
    ...(cdb.blocks !== undefined ? { atCount: cdb.blocks } : {}),
    words: `SCSI command ${cdb.name}${cdb.lba !== undefined ? ` at LBA ${cdb.lba}${cdb.blocks !== undefined ? ` (${cdb.blocks} blocks)` : ''}` : ''}`,
  };
}

/** A SCSI disk error line starting at `at`, or undefined. A bare `Result:` line (old split form) is read too. */
export function recogniseScsiLine(msg: string, at: number): IoErrorLine | undefined {
  let m: RegExpExecArray | null;
  if (msg.startsWith('Result: hostbyte=', at) && (m = matchAt(RESULT, msg, at))) {
    return { source: 'scsi', kind: 'command', status: `hostbyte=${m[1]!} driverbyte=${m[2]!}`, words: `SCSI command failed: hostbyte=${m[1]!} driverbyte=${m[2]!}` };
  }
  const p = matchAt(PREFIX, msg, at);
  if (!p) return undefined;
  const device = p[3];
  const port = p[2]!;
  const tag = p[4] !== undefined ? Number(p[4]) : undefined;
  let rest = PREFIX.lastIndex;
  while (msg.charCodeAt(rest) === 0x20) rest++;
  const base = { source: 'scsi' as const, ...(device !== undefined ? { device } : {}), port, ...(tag !== undefined ? { tag } : {}) };
  const who = device ?? `SCSI ${port}`;
  if ((m = matchAt(RESULT, msg, rest))) {
    const age = m[3] !== undefined ? `, command age ${m[3]} s` : '';
    return { ...base, kind: 'command', status: `hostbyte=${m[1]!} driverbyte=${m[2]!}`, words: `SCSI command on ${who} failed: hostbyte=${m[1]!} driverbyte=${m[2]!}${age}` };
  }
  if ((m = matchAt(SENSE_KEY, msg, rest))) {
    const key = m[1]!.trim();
    // Without CONFIG_SCSI_CONSTANTS the key is printed as a number (`Sense Key : 0x5`).
    const name = /^0x[0-9a-f]+$/.test(key) ? (SENSE_KEYS[parseInt(key, 16)] ?? key) : key;
    return { ...base, kind: 'detail', status: name, words: `SCSI sense key: ${name}${name !== key ? ` (${key})` : ''}` };
  }
  if ((m = matchAt(ADD_SENSE, msg, rest))) return { ...base, kind: 'detail', status: m[1]!.trim(), words: `SCSI additional sense: ${m[1]!.trim()}` };
  if ((m = matchAt(ASC, msg, rest))) return { ...base, kind: 'detail', status: `ASC 0x${m[1]!} ASCQ 0x${m[2]!}`, words: `SCSI sense ASC 0x${m[1]!} ASCQ 0x${m[2]!}` };
  if ((m = matchAt(SYNC_CACHE, msg, rest))) {
    return { ...base, kind: 'command', op: 'FLUSH', opFrom: 'command', status: `hostbyte=${m[1]!} driverbyte=${m[2]!}`, words: `SCSI cache flush on ${who} failed: hostbyte=${m[1]!} driverbyte=${m[2]!}` };
  }
  if (matchAt(CDB, msg, rest)) {
    const cdb = parseCdb(msg, CDB.lastIndex);
    // An empty `CDB:` is the first half of the <= 3.x split form; the collector reads the next line.
    return cdb ? cdbRecord(cdb, device, port, tag) : { ...base, kind: 'detail', words: 'SCSI command (CDB on the next line)' };
  }
  if ((m = matchAt(UNHANDLED, msg, rest))) return { ...base, kind: 'command', status: `unhandled ${m[1]!} code`, words: `SCSI command on ${who} failed (unhandled ${m[1]!} code)` };
  if ((m = matchAt(RETURN_CODE, msg, rest))) return { ...base, kind: 'command', status: `return code 0x${m[1]!}`, words: `SCSI command on ${who} failed: return code 0x${m[1]!}` };
  if (msg.includes('rejecting I/O to offline device', rest)) return { ...base, kind: 'command', status: 'device offline', words: `SCSI I/O to ${who} rejected: device offline` };
  if (msg.startsWith('Medium access timeout failure. Offlining disk', rest)) return { ...base, kind: 'state', status: 'offlined', words: `${who} taken offline after medium access timeouts` };
  return undefined;
}

/** `sd 0:0:0:0: [sda] ...`: the SCSI address and disk name a line states together, for naming lines that print only the address. */
export function scsiAddressOf(msg: string, at: number): { readonly port: string; readonly device: string } | undefined {
  const p = matchAt(PREFIX, msg, at);
  return p && p[3] !== undefined ? { port: p[2]!, device: p[3] } : undefined;
}
