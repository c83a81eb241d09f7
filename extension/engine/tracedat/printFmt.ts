/**
 * renderPayload: the text trace-cmd report (3.1.6, libtraceevent 1.7.1 + plugins) prints for a record
 * after `event_name: `, from the event's format and the record's raw bytes. The print format is compiled
 * once per event format (compileEvent, cached) into literal pieces and conversions bound to argument
 * trees (printFmtParser.ts, printItems.ts) and evaluated per record (recordEval.ts); plugin handlers
 * (eventHandlers.ts) replace or precede it for the events they cover; ftrace `bprint` builds its format and
 * arguments per record (bprintArgs.ts). An event whose format does not parse prints, as in trace-cmd,
 * `[FAILED TO PARSE]` and its fields ` name=value`. One trailing newline is removed, as trace-cmd does for
 * the whole line.
 *
 * readField / readCommon give a field's raw value (number, bigint above 2^53, or string for char arrays).
 */
import { FormatSyntaxError } from './formatLexer';
import { bprintArgs } from './bprintArgs';
import { COMPILED, findAnyField, type EventFormat, type FormatField } from './eventFormat';
import { findEventHandler, type EventHandler } from './eventHandlers';
import type { PrintArg } from './printArg';
import { compileItem, type ItemFn } from './itemCompiler';
import { markConst, parsePrintFmt } from './printFmtParser';
import { buildPrintItems, type BuiltItem } from './printItems';
import { RecordEval } from './recordEval';
import type { RenderContext } from './renderContext';

export type { RenderContext, SymbolHit } from './renderContext';

export class CompiledEvent {
  /** The print format string as written in the format file (escapes not resolved). */
  readonly printFormat: string;
  readonly args: readonly PrintArg[];
  readonly items: readonly BuiltItem[];
  /** Why the event prints as `[FAILED TO PARSE]`, if it does. */
  readonly failure: string | undefined;
  readonly handler: EventHandler | undefined;
  private readonly isBprint: boolean;
  private readonly fns: ItemFn[];
  /** Set by a record that fails the event from then on (bprint), as libtraceevent's FAILED flag. */
  runtimeFailure: string | undefined;
  private readonly r: RecordEval;

  constructor(readonly fmt: EventFormat) {
    this.r = new RecordEval(fmt);
    this.handler = findEventHandler(fmt.system, fmt.name);
    this.isBprint = fmt.system === 'ftrace' && fmt.name === 'bprint';
    let failure = fmt.error;
    let printFormat = '';
    let args: PrintArg[] = [];
    let items: BuiltItem[] = [];
    if (failure === undefined) {
      try {
        const parsed = parsePrintFmt(fmt);
        printFormat = parsed.format;
        args = parsed.args;
        if (!this.isBprint) {
          const built = buildPrintItems(parsed.format, parsed.args);
          items = built.items;
          if (built.failure !== undefined) failure = `${fmt.system}:${fmt.name}: print fmt: ${built.failure}`;
        }
      } catch (e) {
        const why = e instanceof FormatSyntaxError ? e.message : e instanceof RangeError ? 'print fmt nested too deeply' : String(e);
        failure = `${fmt.system}:${fmt.name}: print fmt: ${why}`;
      }
    }
    for (const a of args) markConst(a);
    this.printFormat = printFormat;
    this.args = args;
    this.items = items;
    this.fns = items.map(compileItem);
    this.failure = failure;
  }

  /** Whether the payload is exactly the print items' texts in order (no plugin, no failure, not bprint). */
  get plain(): boolean {
    return this.handler === undefined && this.failure === undefined && this.runtimeFailure === undefined && !this.isBprint;
  }

  /** Binds a record for `item` (the binary payload decoder renders single items). */
  bind(data: Uint8Array, start: number, length: number, ctx: RenderContext): void {
    this.r.bind(data, start, length, ctx);
  }

  /** The text print item `i` gives for the bound record. */
  item(i: number): string {
    return this.fns[i]!(this.r);
  }

  render(data: Uint8Array, start: number, length: number, ctx: RenderContext): string {
    const r = this.r;
    r.bind(data, start, length, ctx);
    let out = '';
    if (this.handler) {
      const h = this.handler(r, ctx);
      out = h.text;
      if (!h.pretty) return stripNewline(out);
    }
    if (this.failure !== undefined || this.runtimeFailure !== undefined) {
      out += '[FAILED TO PARSE]';
      for (const f of this.fmt.fields) out += ` ${f.name}=` + r.rawField(f);
      return stripNewline(out);
    }
    let fns = this.fns;
    if (this.isBprint) {
      const b = bprintArgs(r, ctx);
      if (!b) return stripNewline(out + '[FAILED TO PARSE]');
      const built = buildPrintItems(b.format, b.args);
      // like libtraceevent, a bprint format whose conversions outnumber its arguments fails the event for
      // every later record (this one still prints)
      if (built.failure !== undefined) this.runtimeFailure = `ftrace:bprint: ${built.failure}`;
      fns = built.items.map(compileItem);
    }
    // trace-cmd drops one newline at the end of the line: look at the last piece, not the (unflattened) whole
    let last = out;
    for (let i = 0; i < fns.length; i++) {
      const piece = fns[i]!(r);
      if (piece.length > 0) {
        out += piece;
        last = piece;
      }
    }
    return last.length > 0 && last.charCodeAt(last.length - 1) === 10 ? out.slice(0, -1) : out;
  }
}

function stripNewline(s: string): string {
  return s.length > 0 && s.charCodeAt(s.length - 1) === 10 ? s.slice(0, -1) : s;
}

/** The compiled print format of an event format (compiled on first use, then kept with the format). */
export function compileEvent(fmt: EventFormat): CompiledEvent {
  const slot = fmt as EventFormat & { [COMPILED]?: CompiledEvent };
  let c = slot[COMPILED];
  if (!c) {
    c = new CompiledEvent(fmt);
    if (Object.isExtensible(fmt) || COMPILED in fmt) slot[COMPILED] = c;
  }
  return c;
}

/**
 * The text trace-cmd report prints after `event_name: ` for the record whose payload (starting at
 * common_type) is data[start, start + length).
 */
export function renderPayload(fmt: EventFormat, data: Uint8Array, start: number, length: number, ctx: RenderContext): string {
  return compileEvent(fmt).render(data, start, length, ctx);
}

const scratch = new WeakMap<EventFormat, RecordEval>();

function evalFor(fmt: EventFormat): RecordEval {
  let r = scratch.get(fmt);
  if (!r) {
    r = new RecordEval(fmt);
    scratch.set(fmt, r);
  }
  return r;
}

/**
 * A field's raw value: a number (a bigint when above 2^53, unsigned), or a string for char arrays and
 * `__data_loc char[]`; undefined when the event has no such field. Numbers are read zero-extended like
 * libtraceevent; `signed` fields are sign-extended here when `signed` is true.
 */
export function readField(
  fmt: EventFormat,
  field: FormatField | string,
  data: Uint8Array,
  start: number,
  length: number,
  littleEndian: boolean,
  signed = false,
): number | bigint | string | undefined {
  const f = typeof field === 'string' ? findAnyField(fmt, field) : field;
  if (!f) return undefined;
  const r = evalFor(fmt);
  r.data = data;
  r.base = start;
  r.size = Math.max(0, Math.min(length, data.length - start));
  r.le = littleEndian;
  if (f.isString) {
    if (f.isDynamic) {
      r.dynamic(f);
      return r.cString(r.dynOffset, r.dynLength);
    }
    return r.cString(f.offset, f.size || r.size - f.offset);
  }
  const v = r.readNum(f.offset, f.size);
  if (!signed || !f.signed) return v;
  switch (f.size) {
    case 1:
      return ((v as number) << 24) >> 24;
    case 2:
      return ((v as number) << 16) >> 16;
    case 4:
      return (v as number) | 0;
    default: {
      const b = BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(v));
      return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
    }
  }
}

/** Offsets and sizes of the common fields, for reading them without a lookup per record. */
export interface CommonLayout {
  readonly type: FormatField | undefined;
  readonly flags: FormatField | undefined;
  readonly preemptCount: FormatField | undefined;
  readonly pid: FormatField | undefined;
}

export function commonLayout(fmt: EventFormat): CommonLayout {
  const get = (n: string): FormatField | undefined => fmt.commonFields.find((f) => f.name === n);
  return { type: get('common_type'), flags: get('common_flags'), preemptCount: get('common_preempt_count'), pid: get('common_pid') };
}

/** common_pid, common_flags, common_preempt_count of a record (pid signed, like trace-cmd's int pid). */
export function readCommon(fmt: EventFormat, data: Uint8Array, start: number, length: number, littleEndian: boolean): { pid: number; flags: number; preemptCount: number } {
  const pid = readField(fmt, 'common_pid', data, start, length, littleEndian, true);
  const flags = readField(fmt, 'common_flags', data, start, length, littleEndian);
  const pc = readField(fmt, 'common_preempt_count', data, start, length, littleEndian);
  return { pid: typeof pid === 'number' ? pid : 0, flags: typeof flags === 'number' ? flags : 0, preemptCount: typeof pc === 'number' ? pc : 0 };
}
