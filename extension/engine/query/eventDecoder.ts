/**
 * EventDecoder: decodes the event on a line of a trace model again, on demand, from the source bytes (the
 * model keeps no payloads): the line is read through the LineReader, framed by the same anchored scan as
 * ingest, and its payload decoded by the same formats; the fields are then explained (units, meanings).
 *
 * Strings met while decoding go to a scratch StringTable of the decoder, never to the model's (hovering a
 * million distinct pointers must not grow the model); it is replaced when it grows past a bound.
 */
import type { EventDetail, FieldView } from '../contracts/query';
import { CompiledSchema } from '../decode/compiledSchema';
import { PayloadDecoder } from '../decode/payloadDecoder';
import type { DecodedPayload } from '../decode/payloadTypes';
import { clockScale, type TraceModel } from '../model/fileModel';
import { LineHeader } from '../scan/lineHeader';
import { scanEventLine } from '../scan/lineScanner';
import { StringTable } from '../store/stringTable';
import { explainFields, type FieldContext, type RawField } from './fieldMeaning';
import type { LineReader } from './lineReader';

const MAX_SCRATCH_STRINGS = 100_000;
const PAYLOAD_CHARS = 4096;
/** How far back the previous event of the same task is looked for. */
const PREV_TASK_ROWS = 200_000;
const utf8 = new TextDecoder('utf-8');

/** A decoded line: the payload record (valid until the next decode) and its fields by name. */
export interface DecodedLine {
  readonly payload: DecodedPayload | undefined;
  readonly payloadText: string;
  readonly instance: string | undefined;
  readonly tsText: string;
}

export class EventDecoder {
  private strings = new StringTable();
  private decoder = new PayloadDecoder(this.strings);
  private readonly h = new LineHeader();

  constructor(
    private readonly model: TraceModel,
    private readonly lines: LineReader,
    private readonly context: () => FieldContext = () => ({}),
  ) {}

  /** The event on `line`, decoded and explained; undefined when the line holds no event. */
  eventAt(line: number): EventDetail | undefined {
    const store = this.model.events;
    const row = store.rowOfLine(line);
    if (row < 0) return undefined;
    const name = store.typeName(store.typeAt(row));
    const d = this.decodeRow(row, name);
    if (d === undefined) return undefined;
    const ts = store.tsAt(row);
    const pid = store.pidAt(row);
    const prev = this.prevOfTask(row, pid);
    const fields = d.payload ? this.fieldViews(d.payload, name) : [];
    const system = d.payload?.schema.system ?? systemOf(name);
    return {
      file: this.model.path,
      line,
      row,
      event: name,
      system,
      ts: store.absoluteNs(ts) / clockScale(this.model),
      tsText: d.tsText,
      sinceStartNs: ts,
      sincePrevTaskNs: prev < 0 ? null : ts - store.tsAt(prev),
      prevTaskLine: prev < 0 ? null : store.lineOf(prev),
      cpu: store.cpuAt(row),
      pid,
      comm: store.strings.get(store.commAt(row)),
      ...(d.instance !== undefined ? { instance: d.instance } : {}),
      fields,
      decoded: d.payload !== undefined,
      payload: d.payloadText,
    };
  }

  /** The fields of the event at `row` by name (numbers and strings), for `iolens events`; undefined when undecodable. */
  fieldsOf(row: number): Record<string, number | string> | undefined {
    const store = this.model.events;
    const name = store.typeName(store.typeAt(row));
    const d = this.decodeRow(row, name);
    if (d?.payload === undefined) return undefined;
    return this.decoder.toObject(d.payload);
  }

  /** The explained fields of the event at `row` ([] when undecodable). */
  fieldViewsOf(row: number): FieldView[] {
    const store = this.model.events;
    const name = store.typeName(store.typeAt(row));
    const d = this.decodeRow(row, name);
    return d?.payload ? this.fieldViews(d.payload, name) : [];
  }

  /** Reads and decodes the line of `row`. */
  decodeRow(row: number, name: string): DecodedLine | undefined {
    const store = this.model.events;
    const lb = this.lines.line(store.lineOf(row));
    if (lb === undefined) return undefined;
    const buf = lb.bytes;
    const h = this.h;
    if (!scanEventLine(buf, 0, buf.length, h)) return undefined;
    if (this.strings.size > MAX_SCRATCH_STRINGS) {
      this.strings = new StringTable();
      this.decoder = new PayloadDecoder(this.strings);
    }
    const schema = this.decoder.schema(name);
    const payload = schema ? this.decoder.decode(schema, buf, h.payloadStart, h.payloadEnd) : undefined;
    const instance = h.prefixStart >= 0 ? utf8.decode(buf.subarray(h.prefixStart, h.prefixEnd)) : undefined;
    return {
      payload,
      payloadText: utf8.decode(buf.subarray(h.payloadStart, Math.min(h.payloadEnd, h.payloadStart + PAYLOAD_CHARS))).trim(),
      instance,
      tsText: tsText(h),
    };
  }

  private fieldViews(p: DecodedPayload, event: string): FieldView[] {
    const kinds = p.schema instanceof CompiledSchema && p.variant >= 0 ? p.schema.variantKinds[p.variant] : undefined;
    const raw: RawField[] = p.schema.fields.map((f) => ({
      name: f.name,
      kind: kinds?.[f.slot] ?? f.kind,
      num: f.isString ? NaN : p.num[f.slot]!,
      str: f.isString && p.str[f.slot]! >= 0 ? this.strings.get(p.str[f.slot]!) : undefined,
    }));
    return explainFields(event, p.schema.system, raw, this.context());
  }

  /** The previous row of the same pid, or -1 (searched back a bounded number of rows). */
  private prevOfTask(row: number, pid: number): number {
    const store = this.model.events;
    for (let r = row - 1, n = 0; r >= 0 && n < PREV_TASK_ROWS; r--, n++) if (store.pidAt(r) === pid) return r;
    return -1;
  }
}

/** The printed timestamp: `1109.253297` (µs), `1109.253297123` (ns), a raw counter as an integer. */
function tsText(h: LineHeader): string {
  if (h.tsFracDigits === 0) return (BigInt(h.tsHi) * 1000000000n + BigInt(h.tsLo)).toString();
  return `${h.tsHi}.${String(h.tsLo).padStart(9, '0').slice(0, h.tsFracDigits)}`;
}

function systemOf(name: string): string {
  if (name.startsWith('sys_enter_') || name.startsWith('sys_exit_')) return 'syscalls';
  const u = name.indexOf('_');
  return u > 0 ? name.slice(0, u) : name;
}
