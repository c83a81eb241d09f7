/**
 * DatEventFormats: the event formats of a trace.dat by id (ftrace's own and every system's), parsed on
 * first use; the `common_type` / `common_pid` reads every record needs; and the payload text of a record
 * (`renderPayload`: the format's `print fmt`, or the libtraceevent plugin that replaces it), with the
 * file's kallsyms and printk formats. A format that does not parse prints as trace-cmd prints it
 * (`[FAILED TO PARSE]` and the raw fields) and is listed in `problems`.
 *
 * The sched plugins register the comm of pids the saved cmdlines lack (tep_register_comm); a registration
 * is kept with the sequence number of the record that made it, so a line rendered again later (random
 * access) shows the comm trace-cmd showed at that point of the file.
 */
import { parseEventFormat, parseFormatFields, type EventFormat } from './eventFormat';
import type { DatMeta } from './datMeta';
import { KallsymsTable, PrintkTable } from './kallsyms';
import { compileEvent, type CompiledEvent, type RenderContext, type SymbolHit } from './printFmt';

export interface DatEventType {
  readonly id: number;
  readonly system: string;
  readonly name: string;
  readonly text: string;
  /** The parsed format (undefined when it does not parse: then `error`). */
  format: EventFormat | undefined | null;
  /** Its compiled print format (once per event type, not looked up per record). */
  compiled?: CompiledEvent;
  error?: string;
}

/** A comm a plugin registered: its name and the record (sequence number) that registered it. */
export interface RegisteredComm {
  readonly comm: string;
  readonly seq: number;
}

export class DatEventFormats {
  private readonly byId = new Map<number, DatEventType>();
  private readonly dense: (DatEventType | undefined)[] = [];
  private readonly typeOffset: number;
  private readonly typeSize: number;
  private readonly pidOffset: number;
  private readonly little: boolean;
  private kallsyms: KallsymsTable | undefined;
  private printk: PrintkTable | undefined;
  readonly problems: string[] = [];
  /** Comms registered by plugins, by pid (first registration wins, like tep_register_comm). */
  readonly registered = new Map<number, RegisteredComm>();
  /** Sequence number of the record being rendered (set by the renderer). */
  seq = 0;
  private readonly ctx: RenderContext & { cpu: number; timestamp: bigint };

  constructor(private readonly meta: DatMeta) {
    this.little = meta.littleEndian;
    const all = [...meta.ftraceFormats.map((text) => ({ system: 'ftrace', text })), ...meta.eventFormats];
    for (const { system, text } of all) {
      const name = /^name:\s*(\S+)/m.exec(text)?.[1];
      const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
      if (!name || id === undefined) {
        if (this.problems.length < 20) this.problems.push(`a format of system ${system} has no name or ID`);
        continue;
      }
      const t: DatEventType = { id: Number(id), system, name, text, format: undefined };
      this.byId.set(t.id, t);
      if (t.id < 65536) this.dense[t.id] = t;
    }
    // The common fields are the same in every format: read them from the first one.
    const common = parseFormatFields(all[0]?.text ?? '', { longSize: meta.kernelLongSize }).fields;
    const type = common.find((f) => f.name === 'common_type');
    const pid = common.find((f) => f.name === 'common_pid');
    this.typeOffset = type?.offset ?? 0;
    this.typeSize = type?.size ?? 2;
    this.pidOffset = pid?.offset ?? 4;
    this.ctx = {
      littleEndian: meta.littleEndian,
      longSize: meta.kernelLongSize,
      cpu: 0,
      timestamp: 0n,
      symbol: (addr: bigint): SymbolHit | undefined => this.symbols().lookup(addr),
      symbolAddress: (name: string): bigint | undefined => this.symbols().symbolAddress(name),
      printkFormat: (addr: bigint): string | undefined => (this.printk ??= PrintkTable.parse(meta.printk)).get(addr),
      registerComm: (pid: number, comm: string): void => {
        if (!this.registered.has(pid) && this.registered.size < 1_000_000) this.registered.set(pid, { comm, seq: this.seq });
      },
    };
  }

  private symbols(): KallsymsTable {
    return (this.kallsyms ??= KallsymsTable.parse(this.meta.kallsyms));
  }

  lookup(data: Uint8Array, start: number, length: number): DatEventType | undefined {
    if (length < this.typeOffset + this.typeSize) return undefined;
    const at = start + this.typeOffset;
    const id = this.little ? data[at]! | (data[at + 1]! << 8) : (data[at]! << 8) | data[at + 1]!;
    return this.dense[id] ?? this.byId.get(id);
  }

  pid(data: Uint8Array, start: number, length: number): number {
    if (length < this.pidOffset + 4) return -1;
    const at = start + this.pidOffset;
    return this.little ? data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24) : (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
  }

  private format(ev: DatEventType): EventFormat | undefined {
    if (ev.format === undefined) {
      try {
        ev.format = parseEventFormat(ev.system, ev.text, { longSize: this.meta.kernelLongSize });
      } catch (err) {
        ev.format = null;
        ev.error = (err as Error).message;
        if (this.problems.length < 20) this.problems.push(`the format of ${ev.system}:${ev.name} does not parse: ${ev.error}`);
      }
    }
    return ev.format ?? undefined;
  }

  /** The compiled print format of an event type (compiled on first use), undefined when its format does not parse. */
  compiledOf(ev: DatEventType): CompiledEvent | undefined {
    if (ev.compiled === undefined) {
      const fmt = this.format(ev);
      if (!fmt) return undefined;
      ev.compiled = compileEvent(fmt);
    }
    return ev.compiled;
  }

  /** The render context set for a record (CPU and time stamp), for single print items. */
  contextFor(cpu: number, ts: number): RenderContext {
    this.ctx.cpu = cpu;
    this.ctx.timestamp = BigInt(Math.max(0, Math.round(ts)));
    return this.ctx;
  }

  /** The payload text of a record (trace-cmd's, after `name: `). */
  payload(ev: DatEventType | undefined, data: Uint8Array, start: number, length: number, cpu: number, ts: number): string {
    if (!ev) {
      const id = length >= this.typeOffset + 2 ? (this.little ? data[start + this.typeOffset]! | (data[start + this.typeOffset + 1]! << 8) : (data[start + this.typeOffset]! << 8) | data[start + this.typeOffset + 1]!) : -1;
      return `[UNKNOWN TYPE ${id}]`;
    }
    const compiled = this.compiledOf(ev);
    if (!compiled) return '[FAILED TO PARSE]';
    return compiled.render(data, start, length, this.contextFor(cpu, ts));
  }
}
