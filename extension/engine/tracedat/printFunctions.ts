/**
 * The print functions libtraceevent1-plugin 1.7.1 registers and that event formats call by name:
 * jbd2_dev_to_name and jiffies_to_msecs (plugin_jbd2), scsi_trace_parse_cdb (plugin_scsi),
 * is_writable_pte (plugin_kvm) and __le16_to_cpup (plugin_cfg80211). A call prints text (when it is the
 * argument of a %s) and returns a number (when it is the argument of a number conversion), like
 * process_defined_func(). A format calling any other function fails to parse, as in trace-cmd.
 */
import { TWO32, type U64 } from './cNumbers';

/** Parameter kinds (TEP_FUNC_ARG_*). */
export type FuncParam = 'int' | 'long' | 'ptr' | 'string';

/** A pointer into the record, as a `__get_dynamic_array()` argument evaluates to. */
export interface DataPtr {
  readonly data: Uint8Array;
  readonly pos: number;
  readonly end: number;
}

export type FuncArg = U64 | string | DataPtr;

export interface FuncResult {
  text: string;
  value: U64;
}

export interface PrintFunction {
  readonly name: string;
  readonly params: readonly FuncParam[];
  call(args: readonly FuncArg[]): FuncResult;
}

function num(a: FuncArg | undefined): number {
  if (typeof a === 'number') return a;
  if (typeof a === 'bigint') return Number(a & 0xffffffffffffn);
  return 0;
}

const jbd2DevToName: PrintFunction = {
  name: 'jbd2_dev_to_name',
  params: ['int'],
  call(args) {
    const dev = num(args[0]) % TWO32;
    return { text: `${Math.floor(dev / 1048576)}:${dev % 1048576}`, value: 0 };
  },
};

const jiffiesToMsecs: PrintFunction = {
  name: 'jiffies_to_msecs',
  params: ['long'],
  call(args) {
    const v = args[0];
    const j: U64 = typeof v === 'number' || typeof v === 'bigint' ? v : 0;
    // trace_seq_printf(s, "%lld", jiffies)
    return { text: typeof j === 'bigint' ? BigInt.asIntN(64, j).toString() : String(j), value: j };
  },
};

const isWritablePte: PrintFunction = {
  name: 'is_writable_pte',
  params: ['long'],
  call(args) {
    return { text: '', value: num(args[0]) & 2 };
  },
};

const le16ToCpup: PrintFunction = {
  name: '__le16_to_cpup',
  params: ['ptr'],
  call(args) {
    const p = args[0];
    if (typeof p === 'object' && p.pos + 2 <= p.end) return { text: '', value: p.data[p.pos]! | (p.data[p.pos + 1]! << 8) };
    return { text: '', value: 0 };
  },
};

/** `(cdb[i] << 24)` etc. in C: an int, sign-extended when it reaches a 64-bit sector_t. */
function be(cdb: Uint8Array, at: number, n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(cdb[at + i] ?? 0);
  return v;
}
function shl24(b: number): bigint {
  return BigInt.asUintN(64, BigInt((b << 24) | 0));
}
function lba32(c: Uint8Array, at: number): bigint {
  return shl24(c[at] ?? 0) | be(c, at + 1, 3);
}

function scsiParseCdb(c: Uint8Array): string {
  const b = (i: number): number => c[i] ?? 0;
  const sa32 = (b(8) << 8) | b(9);
  const rw16like = (): bigint => (be(c, 2, 4) << 32n) | lba32(c, 6);
  switch (b(0)) {
    case 0x08:
    case 0x0a: {
      const lba = ((b(1) & 0x1f) << 16) | (b(2) << 8) | b(3);
      return `lba=${lba} txlen=${b(4)}`;
    }
    case 0x28:
    case 0x2f:
    case 0x2a:
    case 0x41: {
      const lba = lba32(c, 2);
      const txlen = (b(7) << 8) | b(8);
      let s = `lba=${lba} txlen=${txlen} protect=${b(1) >> 5}`;
      if (b(0) === 0x41) s += ` unmap=${(b(1) >> 3) & 1}`;
      return s;
    }
    case 0xa8:
    case 0xaf:
    case 0xaa:
      return `lba=${lba32(c, 2)} txlen=${lba32(c, 6)} protect=${b(1) >> 5}`;
    case 0x88:
    case 0x8f:
    case 0x8a:
    case 0x93: {
      let s = `lba=${rw16like()} txlen=${lba32(c, 10)} protect=${b(1) >> 5}`;
      if (b(0) === 0x93) s += ` unmap=${(b(1) >> 3) & 1}`;
      return s;
    }
    case 0x42: {
      const regions = (b(7) << 8) | b(8);
      return `regions=${((regions - 8) >>> 0) / 16 >>> 0}`;
    }
    case 0x9e: {
      const sa = b(1) & 0x1f;
      const cmd = sa === 0x10 ? 'READ_CAPACITY_16' : sa === 0x12 ? 'GET_LBA_STATUS' : undefined;
      if (!cmd) return 'UNKNOWN';
      const allocLen = Number(lba32(c, 10) & 0xffffffffn);
      return `${cmd} lba=${rw16like()} alloc_len=${allocLen}`;
    }
    case 0x7f: {
      const cmd = sa32 === 0x09 ? 'READ' : sa32 === 0x0a ? 'VERIFY' : sa32 === 0x0b ? 'WRITE' : sa32 === 0x0d ? 'WRITE_SAME' : undefined;
      if (!cmd) return '-';
      const lba = (be(c, 12, 4) << 32n) | lba32(c, 16);
      const ei = Number(lba32(c, 20) & 0xffffffffn);
      let s = `${cmd}_32 lba=${lba} txlen=${lba32(c, 28)} protect=${b(10) >> 5} ei_lbrt=${ei}`;
      if (sa32 === 0x0d) s += ` unmap=${(b(10) >> 3) & 1}`;
      return s;
    }
    default:
      return '-';
  }
}

const scsiTraceParseCdb: PrintFunction = {
  name: 'scsi_trace_parse_cdb',
  params: ['ptr', 'ptr', 'int'],
  call(args) {
    const p = args[1];
    if (typeof p !== 'object') return { text: '-', value: 0 };
    return { text: scsiParseCdb(p.data.subarray(p.pos, p.end)), value: 0 };
  },
};

const FUNCTIONS = new Map<string, PrintFunction>([jbd2DevToName, jiffiesToMsecs, isWritablePte, le16ToCpup, scsiTraceParseCdb].map((f) => [f.name, f]));

export function findPrintFunction(name: string): PrintFunction | undefined {
  return FUNCTIONS.get(name);
}
