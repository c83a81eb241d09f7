/**
 * fileHead: the first lines of a file on disk, read without analysing it, exactly as a model's line
 * window would return them (same line splitting, `\r\n` removed, lines above the limit cut with `…`).
 * A large file's first window is shown from this while its analysis runs.
 */
import { FileSource } from '../input/byteSource';
import { LineIndex } from '../store/lineIndex';
import { LineReader } from './lineReader';

/** Lines 1 to `count` of `path` (fewer when the file is shorter). */
export async function fileHead(path: string, count: number): Promise<string[]> {
  const source = await FileSource.open(path);
  try {
    // No checkpoints: every line is reached by scanning from the start, which a head read does anyway.
    return new LineReader(source, new LineIndex(), Number.MAX_SAFE_INTEGER).text(1, Math.max(0, Math.floor(count)));
  } finally {
    await source.close();
  }
}
