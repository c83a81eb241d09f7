/**
 * EventBatch: the packed result of parsing one slice of complete lines, as plain typed arrays and a few
 * small lists, so that it crosses a worker boundary by transfer (no per-event objects, no copies).
 *
 * Line numbers and string ids in a batch are local: `line` counts from 0 at the slice's first line, and
 * string ids belong to the parser's own StringTable (`strings` lists the ids it created for this batch,
 * from `stringBase` on). BatchMerger turns both into global ones, in file order.
 */
import type { LineKind } from '../scan/lineHeader';

/** SpecialLine kind of an event read with control characters in its task or buffer name. */
export const SUSPECT_NAME = -2;

/** A line that is not an event: a special line the grammar knows, or a line to skip. */
export interface SpecialLine {
  readonly line: number;
  /**
   * LineKind of a known special line, -1 for a line that is skipped (a parse error), or SUSPECT_NAME for an
   * event that was read although a name in it holds control characters (`what` says which name).
   */
  readonly kind: LineKind | -1 | typeof SUSPECT_NAME;
  readonly cpu: number;
  readonly count: number;
  readonly what: string;
  /** The reason of a skipped line, or the text of a comment / preamble line. */
  readonly note: string;
  /** Start of the line's text (skipped lines and comments), for messages. */
  readonly text: string;
}

/**
 * A line that is not an event, in full, for the kernel-log parser that reads the same pass (`text` is null
 * for a line longer than the parser reads; `bytes` is its length then).
 */
export interface LogLine {
  readonly line: number;
  readonly text: string | null;
  readonly bytes: number;
}

/** What the layout of the slice's lines says about the file (summed by the merger). */
export interface BatchVotes {
  layouts: [number, number, number];
  irqInfo: boolean;
  recordTgid: boolean;
  tsDiff: boolean;
  counterClock: boolean;
  timestampDigits: number;
  kernelSpellings: number;
  rawPayloads: number;
  templatePayloads: number;
  kernelLogLines: number;
  instances: string[];
}

export interface EventBatch {
  readonly seq: number;
  /** Lines in the slice (the last one may be unterminated). */
  readonly lineCount: number;
  /** Events in the batch. */
  readonly n: number;
  readonly tsHi: Float64Array;
  readonly tsLo: Int32Array;
  readonly cpu: Uint16Array;
  /** Local task id of each event (a (pid, comm) pair of the parser). */
  readonly task: Uint32Array;
  /** Local id of the first task in `newTasks`, and (pid, comm local string id) pairs of the tasks this batch added. */
  readonly taskBase: number;
  readonly newTasks: number[];
  /** Local string id of the tracefs event name. */
  readonly name: Int32Array;
  readonly line: Int32Array;
  /** Offset of the event's decoded fields in num/str; -1: no known format; -2: payload matched no format. */
  readonly payOff: Int32Array;
  readonly variant: Int16Array;
  /** Local key id of the (device, inode) pair each event's payload names, 0 for neither. */
  readonly key: Uint32Array;
  /** Local id of the first key in `newKeys`, and (dev, ino) pairs (-1: absent) of the keys this batch added. */
  readonly keyBase: number;
  readonly newKeys: number[];
  readonly num: Float64Array;
  readonly str: Int32Array;
  readonly stringBase: number;
  readonly strings: string[];
  readonly specials: SpecialLine[];
  /** Pairs (local line, byte offset of that line from the slice start), every LINE_INDEX_STRIDE lines. */
  readonly checkpoints: Float64Array;
  readonly votes: BatchVotes;
  /** Payload text of the events with payOff -2, in order (for the parse-error finding). */
  readonly mismatchSamples: string[];
  /** Every line that is not an event, in order, when the parser collects them (`logText`). */
  readonly logLines: LogLine[];
}

export function emptyVotes(): BatchVotes {
  return {
    layouts: [0, 0, 0],
    irqInfo: false,
    recordTgid: false,
    tsDiff: false,
    counterClock: false,
    timestampDigits: 0,
    kernelSpellings: 0,
    rawPayloads: 0,
    templatePayloads: 0,
    kernelLogLines: 0,
    instances: [],
  };
}

/** How many buffers `recyclableBuffers` lists. */
export const RECYCLED_COLUMNS = 11;

/** The column buffers of a batch that its parser can build the next batches in (SliceParser.recycle). */
export function recyclableBuffers(b: EventBatch): ArrayBuffer[] {
  return [b.tsHi, b.tsLo, b.cpu, b.task, b.name, b.line, b.payOff, b.variant, b.key, b.num, b.str].map((a) => a.buffer as ArrayBuffer);
}

/** The typed arrays of a batch, for transfer lists. */
export function batchBuffers(b: EventBatch): ArrayBuffer[] {
  return [b.tsHi, b.tsLo, b.cpu, b.task, b.name, b.line, b.payOff, b.variant, b.key, b.num, b.str, b.checkpoints].map((a) => a.buffer as ArrayBuffer);
}
