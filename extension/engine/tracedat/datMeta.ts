/**
 * datMeta: everything in a trace.dat except the event data, read from file versions 6 and 7 (the layout
 * of trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v6.5.txt and .v7.5.txt): the header, header_page
 * and header_event, the ftrace and event format files, kallsyms, printk formats, saved cmdlines, the
 * options (CPU count, trace clock, buffers and instances, time offset, TSC conversion) and, per buffer and
 * CPU, where its ring-buffer pages are (a range of the file, or version 7's compressed chunks).
 *
 * Every size is checked against the file before it is read, so a damaged header raises one DatError and
 * never allocates more than the file holds. Options this reader does not need are skipped by their size.
 */
import { quote } from '../input/byteSource';
import { ByteCursor, latin1Text } from './byteCursor';
import { DatError } from './datError';
import { decompress, isKnownCodec, type CodecName } from './decompress';
import { parseFormatFields } from './eventFormat';

/** Random reads of the file (ByteSource.readSync). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

export interface DatCpuData {
  readonly cpu: number;
  /** File offset and size of this CPU's data (for compressed data: its chunk table and chunks). */
  readonly offset: number;
  readonly size: number;
}

export interface DatBuffer {
  /** '' for the top buffer, else the instance name. */
  readonly name: string;
  readonly clock: string;
  readonly pageSize: number;
  readonly cpus: readonly DatCpuData[];
  readonly compressed: boolean;
  /** Version 7 BUFFER_TEXT, version 6 "latency": an ASCII buffer (not read as events). */
  readonly latency: boolean;
}

export interface DatMeta {
  readonly version: number;
  readonly littleEndian: boolean;
  /** The recording user space's long size (the header's byte); not the kernel's. */
  readonly userLongSize: number;
  readonly pageSize: number;
  readonly codec: CodecName;
  readonly codecVersion: string;
  readonly headerPage: string;
  readonly headerEvent: string;
  /** The kernel long size, from header_page's `commit` field (4 or 8). */
  readonly kernelLongSize: 4 | 8;
  readonly ftraceFormats: readonly string[];
  readonly eventFormats: readonly { readonly system: string; readonly text: string }[];
  readonly kallsyms: string;
  readonly printk: string;
  readonly cmdlines: string;
  readonly cpuCount: number;
  /** The trace clock ('local', 'x86-tsc', ...); 'local' when the file does not say. */
  readonly clock: string;
  /** Nanoseconds added to every timestamp (OFFSET and DATE options). */
  readonly tsOffset: bigint;
  readonly tsc2nsec: { readonly mult: number; readonly shift: number; readonly offset: bigint } | undefined;
  /** True when timestamps are nanoseconds printed as seconds.microseconds (trace-cmd's IN_USECS). */
  readonly inUsecs: boolean;
  readonly buffers: readonly DatBuffer[];
  readonly uname: string | undefined;
  readonly traceCmdVersion: string | undefined;
  /** Things skipped or repaired while reading, for the user. */
  readonly warnings: readonly string[];
}

const MAGIC = [0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67];
/** Metadata larger than this is damage (kallsyms of a large kernel is ~10 MB). */
const MAX_META = 512 * 1024 * 1024;
const MAX_FORMATS = 100_000;

const OPT = {
  DONE: 0,
  DATE: 1,
  CPUSTAT: 2,
  BUFFER: 3,
  TRACECLOCK: 4,
  UNAME: 5,
  OFFSET: 7,
  CPUCOUNT: 8,
  VERSION: 9,
  TSC2NSEC: 14,
  HEADER_INFO: 16,
  FTRACE_EVENTS: 17,
  EVENT_FORMATS: 18,
  KALLSYMS: 19,
  PRINTK: 20,
  CMDLINES: 21,
  BUFFER_TEXT: 22,
} as const;

interface Builder {
  version: number;
  littleEndian: boolean;
  userLongSize: number;
  pageSize: number;
  codec: CodecName;
  codecVersion: string;
  headerPage: string;
  headerEvent: string;
  ftraceFormats: string[];
  eventFormats: { system: string; text: string }[];
  kallsyms: string;
  printk: string;
  cmdlines: string;
  cpuCount: number;
  clock: string | undefined;
  clockOption: boolean;
  tsOffset: bigint;
  tsc2nsec: { mult: number; shift: number; offset: bigint } | undefined;
  buffers: { name: string; offset: number; clock: string; pageSize: number; cpus: DatCpuData[]; latency: boolean }[];
  sections: Map<number, number>;
  uname: string | undefined;
  traceCmdVersion: string | undefined;
  warnings: string[];
}

/** Reads a trace.dat's metadata. `fileSize` bounds every size; `read` is the file's random access. */
export function readDatMeta(read: ReadAt, fileSize: number, path: string): DatMeta {
  // Messages are one line: the path and any text from the file are quoted (control characters escaped).
  const name = quote(path);
  const head = new ByteCursor(read(0, Math.min(fileSize, 4096)), true, 0, `${name}: file header`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (head.u8('the magic') !== MAGIC[i]) throw new DatError(`${name}: not a trace-cmd trace.dat (bad magic)`);
  }
  const versionText = head.cstring('the file version');
  const version = /^\d{1,3}$/.test(versionText) ? Number(versionText) : NaN;
  if (version !== 6 && version !== 7) {
    throw new DatError(`${name}: trace.dat file version ${quote(versionText.slice(0, 16))} is not supported (iolens reads versions 6 and 7)`);
  }
  const endian = head.u8('the endianness');
  if (endian > 1) throw new DatError(`${name}: endianness byte ${endian} is neither 0 (little) nor 1 (big)`);
  const littleEndian = endian === 0;
  const hc = new ByteCursor(head.bytes, littleEndian, 0, `${name}: file header`);
  hc.pos = head.pos;
  const userLongSize = hc.u8('the long size');
  const pageSize = hc.u32('the page size');
  if (pageSize < 64 || pageSize > 64 * 1024 * 1024 || (pageSize & (pageSize - 1)) !== 0) throw new DatError(`${name}: page size ${pageSize} is not a power of two between 64 B and 64 MiB`);
  const b: Builder = {
    version,
    littleEndian,
    userLongSize,
    pageSize,
    codec: 'none',
    codecVersion: '',
    headerPage: '',
    headerEvent: '',
    ftraceFormats: [],
    eventFormats: [],
    kallsyms: '',
    printk: '',
    cmdlines: '',
    cpuCount: 0,
    clock: undefined,
    clockOption: false,
    tsOffset: 0n,
    tsc2nsec: undefined,
    buffers: [],
    sections: new Map(),
    uname: undefined,
    traceCmdVersion: undefined,
    warnings: [],
  };
  const ctx = { read, fileSize, name, b };
  if (version === 7) readV7(ctx, hc);
  else readV6(ctx, hc.pos);
  return finish(b, name);
}

interface Ctx {
  readonly read: ReadAt;
  readonly fileSize: number;
  readonly name: string;
  readonly b: Builder;
}

/** A cursor over `length` bytes at `offset`, checked against the file. */
function cursorAt(ctx: Ctx, offset: number, length: number, what: string): ByteCursor {
  if (offset < 0 || length < 0 || offset + length > ctx.fileSize) {
    throw new DatError(`${ctx.name}: ${what} at offset ${offset} (${length} bytes) lies past the end of the file (${ctx.fileSize} bytes)`);
  }
  if (length > MAX_META) throw new DatError(`${ctx.name}: ${what} claims ${length} bytes, more than any trace.dat section should hold`);
  return new ByteCursor(ctx.read(offset, length), ctx.b.littleEndian, offset, `${ctx.name}: ${what}`);
}

// ---- version 7: sections --------------------------------------------------------------------------------

function readV7(ctx: Ctx, hc: ByteCursor): void {
  const { b } = ctx;
  const codecName = hc.cstring('the compression name');
  b.codecVersion = hc.cstring('the compression version');
  if (!isKnownCodec(codecName)) throw new DatError(`${ctx.name}: compression ${quote(codecName.slice(0, 32))} is not supported (iolens reads none, zlib and zstd)`);
  b.codec = codecName;
  let next = Number(hc.u64('the first options offset'));
  const seen = new Set<number>();
  while (next !== 0) {
    if (seen.has(next) || seen.size > 1000) throw new DatError(`${ctx.name}: the options sections loop (offset ${next} again)`);
    seen.add(next);
    next = readOptionsSection(ctx, next);
  }
  const section = (id: number): ByteCursor | undefined => {
    const at = b.sections.get(id);
    return at === undefined ? undefined : sectionBody(ctx, at, id);
  };
  const hi = section(OPT.HEADER_INFO);
  if (!hi) throw new DatError(`${ctx.name}: no HEADER_INFO section (header_page and header_event)`);
  readHeaderInfo(ctx, hi);
  const fe = section(OPT.FTRACE_EVENTS);
  if (fe) b.ftraceFormats = readFormatList(fe);
  const ef = section(OPT.EVENT_FORMATS);
  if (ef) b.eventFormats = readSystems(ef);
  const ks = section(OPT.KALLSYMS);
  if (ks) b.kallsyms = ks.text(Math.min(ks.u32('the kallsyms size'), ks.left), 'kallsyms');
  const pk = section(OPT.PRINTK);
  if (pk) b.printk = pk.text(Math.min(pk.u32('the printk size'), pk.left), 'printk formats');
  const cl = section(OPT.CMDLINES);
  if (cl) b.cmdlines = cl.text(Math.min(cl.size64('the cmdlines size', cl.left), cl.left), 'saved cmdlines');
}

/** Reads a section header at `offset`; returns its (decompressed) body. */
function sectionBody(ctx: Ctx, offset: number, expectId: number): ByteCursor {
  const h = cursorAt(ctx, offset, 16, 'a section header');
  const id = h.u16('the section id');
  const flags = h.u16('the section flags');
  h.u32('the section string id');
  const size = h.size64('the section size', ctx.fileSize);
  if (id !== expectId) throw new DatError(`${ctx.name}: the section at offset ${offset} has id ${id}, expected ${expectId}`);
  const body = cursorAt(ctx, offset + 16, size, `section ${id}`);
  if ((flags & 1) === 0) return body;
  const csize = body.u32('the compressed size');
  const usize = body.u32('the uncompressed size');
  if (usize > MAX_META) throw new DatError(`${ctx.name}: section ${id} at offset ${offset} claims ${usize} uncompressed bytes`);
  const data = decompress(ctx.b.codec, body.take(Math.min(csize, body.left), 'compressed data'), usize, `${ctx.name}: section ${id} at offset ${offset}`);
  return new ByteCursor(data, ctx.b.littleEndian, offset, `${ctx.name}: section ${id} (decompressed)`);
}

/** One options section; returns the offset of the next one (0: last). */
function readOptionsSection(ctx: Ctx, offset: number): number {
  const c = sectionBody(ctx, offset, OPT.DONE);
  for (;;) {
    const id = c.u16('an option id');
    const size = c.u32('an option size');
    const data = new ByteCursor(c.take(size, `option ${id}`), ctx.b.littleEndian, c.base + c.pos - size, `${ctx.name}: option ${id}`);
    if (id === OPT.DONE) return size >= 8 ? Number(data.u64('the next options offset')) : 0;
    handleOption(ctx, id, data);
  }
}

function handleOption(ctx: Ctx, id: number, c: ByteCursor): void {
  const { b } = ctx;
  const str = (): string => latin1Text(c.bytes.subarray(0, c.bytes.indexOf(0) >= 0 ? c.bytes.indexOf(0) : c.bytes.length));
  switch (id) {
    case OPT.DATE:
    case OPT.OFFSET: {
      const s = str().trim();
      let v: bigint;
      try {
        v = BigInt.asIntN(64, BigInt(s.startsWith('-') ? `-${s.slice(1)}` : s));
      } catch {
        b.warnings.push(`option ${id === OPT.DATE ? 'DATE' : 'OFFSET'} ${JSON.stringify(s.slice(0, 40))} is not a number: ignored`);
        return;
      }
      b.tsOffset += id === OPT.DATE ? v * 1000n : v;
      return;
    }
    case OPT.BUFFER:
    case OPT.BUFFER_TEXT: {
      const offset = Number(c.u64('the buffer offset'));
      const name = c.cstring('the buffer name');
      if (b.version < 7) {
        b.buffers.push({ name, offset, clock: '', pageSize: b.pageSize, cpus: [], latency: false });
        return;
      }
      const clock = c.cstring('the buffer clock');
      if (id === OPT.BUFFER_TEXT) {
        b.buffers.push({ name, offset, clock, pageSize: b.pageSize, cpus: [], latency: true });
        return;
      }
      const pageSize = c.u32('the buffer page size');
      const n = c.u32('the buffer CPU count');
      if (n * 20 > c.left) throw new DatError(`${ctx.name}: buffer ${JSON.stringify(name)} lists ${n} CPUs in ${c.left} bytes`);
      const cpus: DatCpuData[] = [];
      for (let i = 0; i < n; i++) {
        const cpu = c.u32('a CPU number');
        const off = c.size64('a CPU data offset', ctx.fileSize);
        const size = c.size64('a CPU data size', ctx.fileSize);
        cpus.push({ cpu, offset: off, size });
      }
      if (pageSize < 64 || pageSize > 64 * 1024 * 1024) throw new DatError(`${ctx.name}: buffer ${JSON.stringify(name)} has page size ${pageSize}`);
      b.buffers.push({ name, offset, clock, pageSize, cpus, latency: false });
      return;
    }
    case OPT.TRACECLOCK: {
      b.clockOption = true;
      const m = /\[([^\]]+)\]/.exec(str());
      if (m) b.clock = m[1]!.trim();
      return;
    }
    case OPT.UNAME:
      b.uname = str();
      return;
    case OPT.VERSION:
      b.traceCmdVersion = str();
      return;
    case OPT.CPUCOUNT:
      if (c.left >= 4) b.cpuCount = c.u32('the CPU count');
      return;
    case OPT.TSC2NSEC:
      if (c.left >= 16) b.tsc2nsec = { mult: c.u32('the TSC multiplier'), shift: c.u32('the TSC shift'), offset: c.u64('the TSC offset') };
      return;
    case OPT.HEADER_INFO:
    case OPT.FTRACE_EVENTS:
    case OPT.EVENT_FORMATS:
    case OPT.KALLSYMS:
    case OPT.PRINTK:
    case OPT.CMDLINES:
      if (c.left >= 8) b.sections.set(id, c.size64('a section offset', ctx.fileSize));
      return;
    default:
      return; // CPUSTAT, HOOK, PROCMAPS, TRACEID, TIME_SHIFT, GUEST, STRINGS, BTF, LAST_BOOT_INFO, MODULES...: not needed
  }
}

function readHeaderInfo(ctx: Ctx, c: ByteCursor): void {
  const tag1 = c.cstring('the header_page tag');
  if (tag1 !== 'header_page') throw new DatError(`${ctx.name}: expected "header_page", found ${JSON.stringify(tag1.slice(0, 20))}`);
  ctx.b.headerPage = c.text(c.size64('the header_page size', c.left), 'header_page');
  const tag2 = c.cstring('the header_event tag');
  if (tag2 !== 'header_event') throw new DatError(`${ctx.name}: expected "header_event", found ${JSON.stringify(tag2.slice(0, 20))}`);
  ctx.b.headerEvent = c.text(c.size64('the header_event size', c.left), 'header_event');
}

function readFormatList(c: ByteCursor): string[] {
  const n = c.u32('the ftrace format count');
  if (n > MAX_FORMATS) throw new DatError(`${c.what}: ${n} formats is not plausible`);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(c.text(c.size64('a format size', c.left), 'a format'));
  return out;
}

function readSystems(c: ByteCursor): { system: string; text: string }[] {
  const systems = c.u32('the event system count');
  if (systems > MAX_FORMATS) throw new DatError(`${c.what}: ${systems} event systems is not plausible`);
  const out: { system: string; text: string }[] = [];
  for (let s = 0; s < systems; s++) {
    const system = c.cstring('an event system name');
    const n = c.u32('an event count');
    if (n > MAX_FORMATS) throw new DatError(`${c.what}: ${n} events in system ${JSON.stringify(system.slice(0, 40))} is not plausible`);
    for (let i = 0; i < n; i++) out.push({ system, text: c.text(c.size64('a format size', c.left), 'a format') });
  }
  return out;
}

// ---- version 6: one sequence ------------------------------------------------------------------------------

/** Version 6 metadata is a sequence after the header; it is read in pieces from `pos`. */
function readV6(ctx: Ctx, start: number): void {
  const { b } = ctx;
  let pos = start;
  const at = (n: number, what: string): ByteCursor => {
    const c = cursorAt(ctx, pos, n, what);
    pos += n;
    return c;
  };
  const cstr = (what: string): string => {
    const c = cursorAt(ctx, pos, Math.min(256, ctx.fileSize - pos), what);
    const s = c.cstring(what);
    pos += c.pos;
    return s;
  };
  const sized64 = (what: string): string => {
    const n = at(8, what).size64(`the ${what} size`, ctx.fileSize - pos);
    return at(n, what).text(n, what);
  };
  const sized32 = (what: string): string => {
    const n = at(4, what).u32(`the ${what} size`);
    return at(n, what).text(n, what);
  };
  if (cstr('the header_page tag') !== 'header_page') throw new DatError(`${ctx.name}: expected "header_page" after the file header`);
  b.headerPage = sized64('header_page');
  if (cstr('the header_event tag') !== 'header_event') throw new DatError(`${ctx.name}: expected "header_event" after header_page`);
  b.headerEvent = sized64('header_event');
  const nf = at(4, 'ftrace formats').u32('the ftrace format count');
  if (nf > MAX_FORMATS) throw new DatError(`${ctx.name}: ${nf} ftrace formats is not plausible`);
  for (let i = 0; i < nf; i++) b.ftraceFormats.push(sized64('ftrace format'));
  const ns = at(4, 'event systems').u32('the event system count');
  if (ns > MAX_FORMATS) throw new DatError(`${ctx.name}: ${ns} event systems is not plausible`);
  for (let s = 0; s < ns; s++) {
    const system = cstr('an event system name');
    const n = at(4, 'events').u32('an event count');
    if (n > MAX_FORMATS) throw new DatError(`${ctx.name}: ${n} events in a system is not plausible`);
    for (let i = 0; i < n; i++) b.eventFormats.push({ system, text: sized64('event format') });
  }
  b.kallsyms = sized32('kallsyms');
  b.printk = sized32('printk formats');
  b.cmdlines = sized64('saved cmdlines');
  b.cpuCount = at(4, 'the CPU count').u32('the CPU count');
  if (b.cpuCount > 65536) throw new DatError(`${ctx.name}: ${b.cpuCount} CPUs is not plausible`);
  pos = readV6Data(ctx, pos, '', b.cpuCount, true);
  // Instances (BUFFER options): each has its own options/flyrecord tag and CPU table at its offset.
  for (const buf of b.buffers) {
    if (buf.name === '') continue;
    readV6Data(ctx, buf.offset, buf.name, b.cpuCount, false);
  }
}

/** A version 6 data block: optional "options" (top buffer only), then "flyrecord" and the CPU table. */
function readV6Data(ctx: Ctx, start: number, name: string, cpus: number, top: boolean): number {
  const { b } = ctx;
  let pos = start;
  let tag = cursorAt(ctx, pos, 10, 'a section tag').text(10, 'a section tag');
  pos += 10;
  if (tag.startsWith('options')) {
    for (;;) {
      const h = cursorAt(ctx, pos, 2, 'an option id');
      const id = h.u16('an option id');
      pos += 2;
      if (id === OPT.DONE) break;
      const size = cursorAt(ctx, pos, 4, 'an option size').u32('an option size');
      pos += 4;
      const data = cursorAt(ctx, pos, size, `option ${id}`);
      pos += size;
      if (top) handleOption(ctx, id, data);
    }
    tag = cursorAt(ctx, pos, 10, 'a section tag').text(10, 'a section tag');
    pos += 10;
  }
  if (tag.startsWith('latency')) {
    if (top) b.buffers.unshift({ name, offset: pos, clock: '', pageSize: b.pageSize, cpus: [], latency: true });
    return ctx.fileSize;
  }
  if (!tag.startsWith('flyrecord')) throw new DatError(`${ctx.name}: expected "flyrecord" or "latency" at offset ${pos - 10}, found ${JSON.stringify(tag.replace(/\0+$/, '').slice(0, 10))}`);
  const table = cursorAt(ctx, pos, cpus * 16, 'the CPU data table');
  pos += cpus * 16;
  const list: DatCpuData[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const offset = table.size64('a CPU data offset', ctx.fileSize);
    const size = table.size64('a CPU data size', ctx.fileSize);
    if (size > 0 && offset + size > ctx.fileSize) throw new DatError(`${ctx.name}: CPU ${cpu}'s data (${size} bytes at ${offset}) runs past the end of the file: truncated?`);
    list.push({ cpu, offset, size });
  }
  if (top && b.clockOption) {
    // The trace_clock text follows the CPU table when the TRACECLOCK option was written (early files have it
    // corrupted: trace-cmd then assumes "local").
    try {
      const n = cursorAt(ctx, pos, 8, 'the trace clock size').size64('the trace clock size', 4096);
      const m = /\[([^\]]+)\]/.exec(cursorAt(ctx, pos + 8, n, 'the trace clock').text(n));
      if (m) b.clock = m[1]!.trim();
    } catch {
      b.warnings.push('the trace_clock after the CPU table is damaged: "local" assumed, as trace-cmd does');
      b.clock = 'local';
    }
  }
  const existing = b.buffers.find((x) => x.name === name);
  if (existing) existing.cpus = list;
  else b.buffers.unshift({ name, offset: start, clock: '', pageSize: b.pageSize, cpus: list, latency: false });
  return pos;
}

// ---- the result --------------------------------------------------------------------------------------------

function finish(b: Builder, name: string): DatMeta {
  const kernelLongSize = commitSize(b.headerPage, b.warnings);
  const clock = b.clock ?? b.buffers.find((x) => x.name === '')?.clock ?? 'local';
  // trace-cmd prints seconds.microseconds for nanosecond clocks (or with a TSC conversion), raw ticks otherwise.
  const nsClock = /^(local|global|uptime|perf|mono.*|tai|tsc2nsec)$/.test(clock);
  const buffers: DatBuffer[] = [];
  const top = b.buffers.filter((x) => x.name === '');
  const rest = b.buffers.filter((x) => x.name !== '');
  for (const x of [...top.slice(0, 1), ...rest]) {
    buffers.push({ name: x.name, clock: x.clock || clock, pageSize: x.pageSize, cpus: x.cpus, compressed: b.version >= 7 && b.codec !== 'none', latency: x.latency });
  }
  if (buffers.length === 0) throw new DatError(`${name}: no trace data (no flyrecord buffer)`);
  return {
    version: b.version,
    littleEndian: b.littleEndian,
    userLongSize: b.userLongSize,
    pageSize: b.pageSize,
    codec: b.codec,
    codecVersion: b.codecVersion,
    headerPage: b.headerPage,
    headerEvent: b.headerEvent,
    kernelLongSize,
    ftraceFormats: b.ftraceFormats,
    eventFormats: b.eventFormats,
    kallsyms: b.kallsyms,
    printk: b.printk,
    cmdlines: b.cmdlines,
    cpuCount: b.cpuCount || Math.max(0, ...buffers.flatMap((x) => x.cpus.map((c) => c.cpu + 1))),
    clock,
    tsOffset: b.tsOffset,
    tsc2nsec: b.tsc2nsec,
    inUsecs: nsClock || b.tsc2nsec !== undefined,
    buffers,
    uname: b.uname,
    traceCmdVersion: b.traceCmdVersion,
    warnings: b.warnings,
  };
}

/** The kernel long size: the size of header_page's `commit` field (the header's byte is user space's). */
function commitSize(headerPage: string, warnings: string[]): 4 | 8 {
  const size = parseFormatFields(headerPage).fields.find((f) => f.name === 'commit')?.size;
  if (size === 4 || size === 8) return size;
  warnings.push('header_page does not give the size of "commit": a kernel long of 8 bytes is assumed');
  return 8;
}
