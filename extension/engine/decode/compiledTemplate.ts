/**
 * compiledTemplate: the flat, allocation-free form of one format variant, as built by `compileTemplate`
 * and run by `matchTemplate`.
 *
 * Ops are stored as parallel arrays indexed by op number (struct of arrays, so the matcher touches only
 * typed arrays and never allocates). Literal ops keep their bytes in `bytes[i]`; string-scanning ops keep
 * the bytes of the literal that ends them (their search key) in `bytes[i]`.
 */
export enum Op {
  Literal = 0,
  Unsigned = 1,
  Signed = 2,
  Hex = 3,
  SignedHex = 4,
  Dev = 5,
  /** s / flags / sym: up to the next literal (backtracking), or to the end when last. */
  Scan = 6,
  /** w / p / sop: a run up to a blank or the next literal's first byte. */
  Word = 7,
  Rest = 8,
  OpcodeNumber = 9,
}

/** Literal flag: the literal's last byte is a blank that matches exactly one blank (a string field follows). */
export const LIT_EXACT_LAST_BLANK = 1;
/** Scan flag: the search key is the template's last op, so the scan is anchored at the payload's end. */
export const SCAN_ANCHOR_END = 2;
/** Scan flag: the field is last, so it takes the rest of the payload. */
export const SCAN_TO_END = 4;
/** Word flag: the word is an io_uring opcode name; also store its number in `slot2`. */
export const WORD_OPCODE_NAME = 8;

/** One compiled variant. */
export interface CompiledTemplate {
  /** The template text (for diagnostics). */
  readonly source: string;
  /** The kernel range given in the format file, e.g. `5.15-6.8` (informational). */
  readonly kernels: string;
  readonly length: number;
  readonly op: Uint8Array;
  /** Field slot of each op, -1 for literals and skipped (`_`) fields. */
  readonly slot: Int16Array;
  /** Companion slot (opcode name/number), -1 when none. */
  readonly slot2: Int16Array;
  readonly flags: Uint8Array;
  /** Word ops: byte that also ends the word (first byte of the next literal), -1 for blank only. */
  readonly stop: Int16Array;
  readonly bytes: readonly (Uint8Array | undefined)[];
  /** The ops whose result is stored after a successful match (string fields with a slot, opcode companions), ascending. */
  readonly post: Int16Array;
}
