/**
 * errnoNames: Linux errno numbers <-> names, for block `[error]`, io_uring `res`, syscall returns and
 * iomap `error`. Includes every errno blk_status_to_errno returns (ENOLINK, EREMCHG, EILSEQ, ETOOMANYREFS,
 * EBADE, ENODATA, …) and the kernel-internal codes that leak into traces (EIOCBQUEUED 529, ERESTARTSYS 512).
 */
const TABLE: ReadonlyArray<readonly [number, string]> = [
  [1, 'EPERM'], [2, 'ENOENT'], [3, 'ESRCH'], [4, 'EINTR'], [5, 'EIO'], [6, 'ENXIO'], [7, 'E2BIG'], [9, 'EBADF'], [11, 'EAGAIN'],
  [12, 'ENOMEM'], [13, 'EACCES'], [14, 'EFAULT'], [15, 'ENOTBLK'], [16, 'EBUSY'], [17, 'EEXIST'], [18, 'EXDEV'], [19, 'ENODEV'], [20, 'ENOTDIR'],
  [21, 'EISDIR'], [22, 'EINVAL'], [23, 'ENFILE'], [24, 'EMFILE'], [25, 'ENOTTY'], [26, 'ETXTBSY'], [27, 'EFBIG'], [28, 'ENOSPC'],
  [29, 'ESPIPE'], [30, 'EROFS'], [32, 'EPIPE'], [34, 'ERANGE'], [35, 'EDEADLK'], [36, 'ENAMETOOLONG'], [38, 'ENOSYS'],
  [37, 'ENOLCK'], [39, 'ENOTEMPTY'], [40, 'ELOOP'], [52, 'EBADE'], [61, 'ENODATA'], [62, 'ETIME'], [67, 'ENOLINK'], [74, 'EBADMSG'], [75, 'EOVERFLOW'], [78, 'EREMCHG'],
  [84, 'EILSEQ'], [95, 'EOPNOTSUPP'], [103, 'ECONNABORTED'], [104, 'ECONNRESET'], [105, 'ENOBUFS'], [109, 'ETOOMANYREFS'], [110, 'ETIMEDOUT'], [116, 'ESTALE'], [117, 'EUCLEAN'], [121, 'EREMOTEIO'], [122, 'EDQUOT'],
  [125, 'ECANCELED'], [512, 'ERESTARTSYS'], [513, 'ERESTARTNOINTR'], [514, 'ERESTARTNOHAND'], [516, 'ERESTART_RESTARTBLOCK'],
  [524, 'ENOTSUPP'], [529, 'EIOCBQUEUED'],
];
const BY_NUMBER = new Map<number, string>(TABLE);
const BY_NAME = new Map<string, number>(TABLE.map(([n, s]) => [s, n]));
BY_NAME.set('EWOULDBLOCK', 11);

/** errno names. */
export const errnoNames = {
  /** Name of an errno; negative values are accepted (-5 -> EIO). Undefined when unknown or 0. */
  name(errno: number): string | undefined {
    return BY_NUMBER.get(Math.abs(errno));
  },
  /** Positive errno number of a name, or undefined. */
  number(name: string): number | undefined {
    return BY_NAME.get(name);
  },
} as const;
