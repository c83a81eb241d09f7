/**
 * windowSize: how many lines a window document (large-trace or filtered view) holds. At most the setting
 * (`iolens.largeFile.windowLines`), and small enough that VS Code does not treat the window as a large file:
 * above 20 MB or 300,000 lines it turns off colouring, folding, CodeLens, word highlighting and sticky scroll
 * (`editor.largeFileOptimizations`), and every byte costs time when a window opens. The byte budget is
 * turned into lines with the file's bytes per line, measured on its first MiB (with a margin for longer
 * lines further on), so the size is known before the file is analysed and is the same for every window
 * but the first one shown while the file is analysed (`headLinesFor`). A trace.dat's lines are not on disk
 * (they are `trace-cmd report`'s rendering of its records): its lines count as `DAT_BYTES_PER_LINE`.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isTraceDatHead } from './fileSniff';

/** VS Code's limits (editor/common/model/textModel.ts: LARGE_FILE_SIZE_THRESHOLD, LARGE_FILE_LINE_COUNT_THRESHOLD). */
const VSCODE_LARGE_LINES = 300_000;
/** Bytes a window aims at: below VS Code's 20 MiB with room for lines longer than the sample's. */
export const WINDOW_BYTES = 12 * 1024 * 1024;
const SAMPLE_BYTES = 1024 * 1024;
const HEAD_BYTES = 2 * 1024 * 1024;
export const MIN_WINDOW_LINES = 1000;
/**
 * Bytes per line assumed for a trace.dat's report text: 100 to 140 on average in the samples' report.txt
 * files; some payloads run longer, hence the margin.
 */
export const DAT_BYTES_PER_LINE = 200;

const perLine = new Map<string, number>();

/** Mean bytes per line of the first MiB of `file` (cached per path; 0 when unreadable or empty). */
export function bytesPerLine(file: string): number {
  const known = perLine.get(file);
  if (known !== undefined) return known;
  let fd: number | undefined;
  let mean = 0;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    if (isTraceDatHead(buf.subarray(0, n))) mean = DAT_BYTES_PER_LINE;
    else {
      let lines = 0;
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      mean = n === 0 ? 0 : n / Math.max(1, lines);
    }
  } catch {
    mean = 0;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  perLine.set(file, mean);
  return mean;
}

/**
 * Lines of the first window of a large file, shown when it is opened (before its analysis ends): about 2 MiB, so that it is on
 * screen at once (VS Code takes about 100 ms per MB to open a document in code-server); the windows after
 * it have the full size.
 */
export function headLinesFor(file: string, configured: number): number {
  const mean = bytesPerLine(file);
  const full = windowLinesFor(file, configured);
  return mean > 0 ? Math.max(Math.min(MIN_WINDOW_LINES, full), Math.min(full, Math.floor(HEAD_BYTES / mean))) : full;
}

/** Lines per window for `file` (a path, or undefined for text without one) under the configured maximum. */
export function windowLinesFor(file: string | undefined, configured: number): number {
  let lines = Math.min(configured, VSCODE_LARGE_LINES - 1);
  const mean = file === undefined ? 0 : bytesPerLine(file);
  if (mean > 0) lines = Math.min(lines, Math.floor(WINDOW_BYTES / mean));
  return Math.max(MIN_WINDOW_LINES, lines);
}
