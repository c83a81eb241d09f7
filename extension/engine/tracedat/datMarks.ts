/**
 * datMarks: how often a trace.dat's merge state is saved (a mark), and how marks are addressed in the text
 * once a batch read has saved them (mark k's text starts at the virtual offset k * MARK_SPAN).
 */
import type { DatMeta } from './datMeta';

/** Virtual text offset between two marks. */
export const MARK_SPAN = 2 ** 32;

/** Records between two saved merge states (more with many CPUs, so a mark costs at most ~1/16 of its text). */
const MARK_EVERY_MIN = 256;

export function recordsPerMark(meta: DatMeta): number {
  const streams = meta.buffers.reduce((n, b) => n + b.cpus.length, 0);
  return Math.max(MARK_EVERY_MIN, streams * 16);
}
