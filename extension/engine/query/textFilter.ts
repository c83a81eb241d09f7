/**
 * textFilter: the `text` condition of an events filter, a literal substring of the raw line (what
 * `grep -F` would match: the UTF-8 bytes of the text among the line's bytes), over the event rows the other
 * conditions left. The lines are read again (the model keeps no text) by pageLines' `visitLines`: the
 * model's LineReader finds where a run of nearby candidates starts, then the run is read in large pieces
 * from the ByteSource and walked with memchr; each line is searched as bytes (`Buffer.indexOf`), and
 * decoded only to ignore case.
 *
 * Cost: O(bytes of the candidates' lines), plus the lines between candidates closer than 64 lines; every
 * row of corpus 06 (204 MB, 1.62 M events) is under a second (`npm run bench`: firstTextScan). The scan is
 * a generator that stops after each step of STEP_ROWS candidates (a few MB of text), so the caller decides
 * when to yield to the event loop and when to give up (EventsQuery runs it in slices of a few ms in the
 * engine worker, and synchronously in the CLI). Lines longer than 1 MiB are matched on their first MiB.
 */
import type { ByteSource } from '../input/byteSource';
import type { EventStore } from '../store/eventStore';
import type { LineReader } from './lineReader';
import { visitLines } from './pageLines';

/** Candidate rows handled per step. */
const STEP_ROWS = 8192;

export interface TextCondition {
  readonly text: string;
  readonly ignoreCase: boolean;
}

/**
 * The rows among `candidates` (every row when undefined; ascending) whose line contains the text, in row
 * order. Yields once per step; the return value is the matching rows.
 */
export function* matchText(store: EventStore, reader: LineReader, source: ByteSource, candidates: Uint32Array | undefined, cond: TextCondition): Generator<void, Uint32Array, void> {
  const total = candidates ? candidates.length : store.count;
  // A line never holds a newline.
  if (cond.text.includes('\n')) return new Uint32Array(0);
  const needle = Buffer.from(cond.text, 'utf8');
  const lower = cond.text.toLowerCase();
  const decoder = new TextDecoder('utf-8');
  const out = new Uint32Array(total);
  let k = 0;
  const lines = new Uint32Array(STEP_ROWS);
  for (let at = 0; at < total; at += STEP_ROWS) {
    const n = Math.min(STEP_ROWS, total - at);
    if (candidates) for (let i = 0; i < n; i++) lines[i] = store.lineOf(candidates[at + i]!);
    else store.lines.decode(at, n, lines);
    visitLines(reader, source, lines.subarray(0, n), (i, bytes) => {
      const hit = cond.ignoreCase ? decoder.decode(bytes).toLowerCase().includes(lower) : asBuffer(bytes).indexOf(needle) >= 0;
      if (hit) out[k++] = candidates ? candidates[at + i]! : at + i;
    });
    yield;
  }
  return out.slice(0, k);
}

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
