/**
 * kiocbFlags: the kiocb flag names printed by iomap_dio_rw_begin/complete (TRACE_IOCB_STRINGS). The bit
 * values changed across kernels, so only the names are used: split the printed text and test names.
 */
const KNOWN = new Set(['HIPRI', 'DSYNC', 'SYNC', 'NOWAIT', 'APPEND', 'EVENTFD', 'DIRECT', 'WRITE', 'WAITQ', 'NOIO', 'ALLOC_CACHE', 'ATOMIC', 'DONTCACHE', 'CALLER_COMP', 'AIO_RW', 'AIO_HAS_METADATA']);

/** kiocb flag names. */
export const kiocbFlags = {
  /** The names of printed flags (`DIRECT|WRITE|ALLOC_CACHE`), empty for an empty text. */
  split(text: string): string[] {
    return text.trim() === '' ? [] : text.trim().split('|');
  },
  /** True when the printed flags contain `name`. */
  has(text: string, name: string): boolean {
    return kiocbFlags.split(text).includes(name);
  },
  /** True for a name of any kernel version 5.5-6.18. */
  isKnown(name: string): boolean {
    return KNOWN.has(name);
  },
} as const;
