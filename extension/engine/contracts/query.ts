/**
 * The query contract: what the retained model of a trace or kernel log answers (the event at a line, the
 * requests it belongs to, related lines, findings around a line, pages of events under a filter, latency
 * distributions, lifecycle and wait-for graphs, outlines). Shared by the engine, the worker protocol, the
 * extension host and the webview; dependency-free (types only). Times in ns unless a name says otherwise.
 */

/** One decoded payload field of an event, ready to show: its value, its unit and what it means. */
export interface FieldView {
  /** The kernel's field name (`sector`, `nr_sector`, `rwbs`, `ret`, `flags`…). */
  readonly name: string;
  /** The value as the trace printed it (normalised: numbers in decimal unless printed in hex). */
  readonly text: string;
  /** The decoded value: a number, or a string for textual fields. */
  readonly value: number | string;
  /** Unit of a numeric value: `sectors`, `bytes`, `pages`, `ns`, `us`, `blocks`… */
  readonly unit?: string;
  /** What the value means, in words: `196608 bytes (192 KiB)`, `READ, readahead`, `-5 EIO`, `dev 7:0`. */
  readonly meaning?: string;
}
