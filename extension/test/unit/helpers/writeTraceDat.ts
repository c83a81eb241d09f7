// A minimal trace.dat (file version 7) writer for tests: re-packs what the reader took from a real file
// (metadata and each CPU's raw pages) with another codec, so the reader is tested on zlib files (trace-cmd
// 3.1.6 on Debian writes only zstd and none). It follows Documentation/trace-cmd/trace-cmd.dat.v7.5.txt:
// header with the codec name, options section(s) chained by DONE, sections with 16-byte headers (flag 1 =
// compressed: u32 compressed size, u32 uncompressed size, data), per CPU a chunk count and
// {u32 compressed, u32 uncompressed, data} chunks of ten pages.
import { deflateSync } from 'node:zlib';
import type { DatMeta } from '../../../engine/tracedat/datMeta';

const OPT = { DONE: 0, BUFFER: 3, TRACECLOCK: 4, CPUCOUNT: 8, HEADER_INFO: 16, FTRACE_EVENTS: 17, EVENT_FORMATS: 18, KALLSYMS: 19, PRINTK: 20, CMDLINES: 21 };

class Out {
  parts: Buffer[] = [];
  size = 0;
  push(b: Buffer): number {
    const at = this.size;
    this.parts.push(b);
    this.size += b.length;
    return at;
  }
}

function u16(v: number): Buffer { const b = Buffer.alloc(2); b.writeUInt16LE(v); return b; }
function u32(v: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; }
function u64(v: number | bigint): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; }
function cstr(s: string): Buffer { return Buffer.from(`${s}\0`, 'latin1'); }

function section(out: Out, id: number, body: Buffer): number {
  const c = deflateSync(body);
  const payload = Buffer.concat([u32(c.length), u32(body.length), c]);
  return out.push(Buffer.concat([u16(id), u16(1), u32(0), u64(payload.length), payload]));
}

/** A zlib-compressed version 7 file holding `meta`'s metadata and the pages of each CPU (`pages[cpu]`). */
export function writeZlibTraceDat(meta: DatMeta, pages: readonly Buffer[]): Buffer {
  const out = new Out();
  const header = Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing', 'latin1'), cstr('7'), Buffer.from([0, meta.userLongSize]), u32(meta.pageSize), cstr('zlib'), cstr('1.2.13')]);
  out.push(header);
  const firstOptionsAt = out.push(u64(0)); // patched below
  const hi = section(out, OPT.HEADER_INFO, Buffer.concat([cstr('header_page'), u64(Buffer.byteLength(meta.headerPage, 'latin1')), Buffer.from(meta.headerPage, 'latin1'), cstr('header_event'), u64(Buffer.byteLength(meta.headerEvent, 'latin1')), Buffer.from(meta.headerEvent, 'latin1')]));
  const fe = section(out, OPT.FTRACE_EVENTS, Buffer.concat([u32(meta.ftraceFormats.length), ...meta.ftraceFormats.flatMap((t) => [u64(Buffer.byteLength(t, 'latin1')), Buffer.from(t, 'latin1')])]));
  const systems = [...new Set(meta.eventFormats.map((e) => e.system))];
  const ef = section(
    out,
    OPT.EVENT_FORMATS,
    Buffer.concat([u32(systems.length), ...systems.flatMap((sys) => { const evs = meta.eventFormats.filter((e) => e.system === sys); return [cstr(sys), u32(evs.length), ...evs.flatMap((e) => [u64(Buffer.byteLength(e.text, 'latin1')), Buffer.from(e.text, 'latin1')])]; })]),
  );
  const ks = section(out, OPT.KALLSYMS, Buffer.concat([u32(Buffer.byteLength(meta.kallsyms, 'latin1')), Buffer.from(meta.kallsyms, 'latin1')]));
  const pk = section(out, OPT.PRINTK, Buffer.concat([u32(Buffer.byteLength(meta.printk, 'latin1')), Buffer.from(meta.printk, 'latin1')]));
  const cl = section(out, OPT.CMDLINES, Buffer.concat([u64(Buffer.byteLength(meta.cmdlines, 'latin1')), Buffer.from(meta.cmdlines, 'latin1')]));
  // CPU data: page-aligned, a chunk count, then chunks of ten pages.
  const cpuData: { cpu: number; offset: number; size: number }[] = [];
  pages.forEach((p, cpu) => {
    const pad = (meta.pageSize - (out.size % meta.pageSize)) % meta.pageSize;
    out.push(Buffer.alloc(pad));
    const chunks: Buffer[] = [];
    for (let at = 0; at < p.length; at += 10 * meta.pageSize) {
      const raw = p.subarray(at, Math.min(p.length, at + 10 * meta.pageSize));
      const c = deflateSync(raw);
      chunks.push(Buffer.concat([u32(c.length), u32(raw.length), c]));
    }
    const body = Buffer.concat([u32(chunks.length), ...chunks]);
    const offset = out.push(body);
    cpuData.push({ cpu, offset, size: body.length });
  });
  const opt = (id: number, data: Buffer): Buffer => Buffer.concat([u16(id), u32(data.length), data]);
  const buffer = Buffer.concat([u64(0), cstr(''), cstr(meta.clock), u32(meta.pageSize), u32(cpuData.length), ...cpuData.flatMap((c) => [u32(c.cpu), u64(c.offset), u64(c.size)])]);
  const options = Buffer.concat([
    opt(OPT.CPUCOUNT, u32(meta.cpuCount)),
    opt(OPT.TRACECLOCK, Buffer.from(`[${meta.clock}] global\n`, 'latin1')),
    opt(OPT.HEADER_INFO, u64(hi)),
    opt(OPT.FTRACE_EVENTS, u64(fe)),
    opt(OPT.EVENT_FORMATS, u64(ef)),
    opt(OPT.KALLSYMS, u64(ks)),
    opt(OPT.PRINTK, u64(pk)),
    opt(OPT.CMDLINES, u64(cl)),
    opt(OPT.BUFFER, buffer),
    opt(OPT.DONE, u64(0)),
  ]);
  const optionsAt = section(out, OPT.DONE, options);
  const file = Buffer.concat(out.parts);
  file.writeBigUInt64LE(BigInt(optionsAt), firstOptionsAt);
  return file;
}
