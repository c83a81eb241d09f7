/**
 * recogniseIoError: the one entry point that reads a kernel-log message (its reader prefix already
 * stripped by logPrefix) as an I/O error line, or says it is none. It runs on every line of a log, so it
 * is cheap for the lines that are not: it skips leading blanks, looks for the block layer's
 * `<status> error, dev ` and for `callbacks suppressed` anywhere (two substring searches), and otherwise
 * dispatches on the first character to the one recogniser whose prefixes start with it; each recogniser
 * is anchored there and every pattern is linear.
 */
import type { IoErrorLine } from './ioErrorLine';
import { recogniseAtaLine, recogniseAtaResult } from './recogniseAtaLine';
import { recogniseBcachefsLine } from './recogniseBcachefsLine';
import { recogniseBlockLine } from './recogniseBlockLine';
import { recogniseBtrfsLine } from './recogniseBtrfsLine';
import { recogniseExt4Line } from './recogniseExt4Line';
import { recogniseNvmeLine } from './recogniseNvmeLine';
import { recogniseRaidLine } from './recogniseRaidLine';
import { recogniseScsiLine } from './recogniseScsiLine';
import { recogniseXfsLine } from './recogniseXfsLine';

/** Longer messages are not kernel I/O error lines (several records run together are split by the collector first). */
const MAX_MESSAGE = 4096;

/** Position of the first non-blank character of `msg`. */
export function firstNonBlank(msg: string): number {
  let i = 0;
  while (i < msg.length) {
    const c = msg.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Reads one message as an I/O error line; undefined when it is none. */
export function recogniseIoError(msg: string): IoErrorLine | undefined {
  const at = firstNonBlank(msg);
  if (msg.length - at < 8 || msg.length > MAX_MESSAGE) return undefined;
  if (msg.indexOf(' error, dev ', at) > 0 || msg.indexOf(' callbacks suppressed', at) > 0) return recogniseBlockLine(msg, at);
  switch (msg.charCodeAt(at)) {
    case 0x42 /* B */:
      return msg.startsWith('BTRFS', at) ? recogniseBtrfsLine(msg, at) : msg.startsWith('Buffer I/O', at) ? recogniseBlockLine(msg, at) : undefined;
    case 0x57 /* W */:
      return msg.startsWith('WARNING: ', at) ? recogniseBtrfsLine(msg, at) : undefined;
    case 0x6c /* l */:
      return recogniseBlockLine(msg, at);
    case 0x73 /* s */:
      return recogniseScsiLine(msg, at);
    case 0x52 /* R */:
      return msg.startsWith('Result: ', at) ? recogniseScsiLine(msg, at) : undefined;
    case 0x61 /* a */:
      return msg.startsWith('ata', at) ? recogniseAtaLine(msg, at) : undefined;
    case 0x72 /* r */:
      return msg.startsWith('res ', at) ? recogniseAtaResult(msg, at) : msg.startsWith('raid', at) ? recogniseRaidLine(msg, at) : undefined;
    case 0x6e /* n */:
      return msg.startsWith('nvme', at) ? recogniseNvmeLine(msg, at) : undefined;
    case 0x6d /* m */:
    case 0x64 /* d */:
      return msg.startsWith('md', at) || msg.startsWith('device-mapper: ', at) ? recogniseRaidLine(msg, at) : undefined;
    case 0x58 /* X */:
      return msg.startsWith('XFS (', at) ? recogniseXfsLine(msg, at) : undefined;
    case 0x45 /* E */:
    case 0x4a /* J */:
    case 0x41 /* A */:
      return recogniseExt4Line(msg, at);
    case 0x62 /* b */:
      return msg.startsWith('bcachefs (', at) ? recogniseBcachefsLine(msg, at) : undefined;
    default:
      return undefined;
  }
}
