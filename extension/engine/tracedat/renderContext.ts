/**
 * RenderContext: what rendering a record's payload needs from the trace.dat beyond the record itself:
 * byte order and kernel long size (file header), kallsyms lookups (for %pS/%ps, the function and stack
 * plugins) and printk formats by address (bprint, %s of a `const char *` field). The lookups must behave
 * like libtraceevent's (see kallsyms.ts and printkFormats.ts, which implement them). The optional members
 * feed the few plugin handlers that use more than the payload.
 */

export interface SymbolHit {
  readonly name: string;
  /** addr - start of the symbol. */
  readonly offset: bigint;
}

export interface RenderContext {
  readonly littleEndian: boolean;
  /** Kernel long size (trace.dat header / header_page). */
  readonly longSize: 4 | 8;
  /** kallsyms lookup as libtraceevent does it (nearest symbol at or below, not past the last one). */
  symbol(addr: bigint): SymbolHit | undefined;
  /** printk format registered at exactly this address (quotes and a trailing `\n` already stripped). */
  printkFormat(addr: bigint): string | undefined;
  /** The address of a kallsyms name (an unresolved enum name in a print fmt is looked up as a symbol). */
  symbolAddress?(name: string): bigint | undefined;
  /** CPU of the record (the function plugin keeps per-CPU call stacks for its indentation). */
  readonly cpu?: number;
  /** Record timestamp in ns (func_repeats prints the time of the last repeat). */
  readonly timestamp?: bigint;
  /**
   * sched_switch / sched_wakeup handlers register comm for pid like tep_register_comm (the pid keeps an
   * existing name): trace-cmd then shows that comm for later records of a pid the saved cmdlines lack.
   */
  registerComm?(pid: number, comm: string): void;
}
