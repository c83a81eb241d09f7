/**
 * Finding: one thing iolens reports about a trace, with the line of the decisive event and its evidence.
 * This is the stable JSON contract of `iolens analyze --format json` (`findings[]`), shared by the CLI,
 * the editor diagnostics and SARIF output.
 */
export type Severity = 'error' | 'warning' | 'info';

/** A JSON value, for `details`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A pointer at one line of one input file (1-based), with what that line is for the finding. */
export interface EvidenceRef {
  readonly file: string;
  readonly line: number;
  /**
   * What the line is, in words (`block request issued`, `completed with -5 EIO`,
   * `syscall exit: 65536 of 262144`, `task report of kworker/u8:3`): shown as the label of the
   * diagnostic's related location and in SARIF's related locations.
   */
  readonly role: string;
}

export interface Finding {
  /** Stable identifier of the pattern, e.g. `parse-error`, `lost-events`, `timestamp-disorder`. */
  readonly kind: string;
  readonly severity: Severity;
  /** One or two sentences a kernel engineer can act on. */
  readonly message: string;
  readonly file: string;
  /** Line of the decisive event (1-based). */
  readonly line: number;
  readonly evidence: readonly EvidenceRef[];
  readonly details: { readonly [key: string]: JsonValue };
}
