/**
 * fileHead: the first lines of a file on disk, read without analysing it, exactly as a model's line
 * window would return them (same line splitting, `\r\n` removed, lines above the limit cut with `…`).
 * A large file's first window is shown from this while its analysis runs. For a trace.dat the lines are
 * those of its `trace-cmd report` rendering: its first records are rendered (streamed, stopped early).
 */
import { FileSource } from '../input/byteSource';
import { isTraceDat } from '../input/sniffInput';
import { DatTextSource } from '../tracedat/datTextSource';
import { LineIndex } from '../store/lineIndex';
import { LineReader } from './lineReader';

/** Lines 1 to `count` of `path` (fewer when the file is shorter). */
export async function fileHead(path: string, count: number): Promise<string[]> {
  const source = await FileSource.open(path);
  try {
    if (isTraceDat(source.readSync(0, 16))) return await datHead(await DatTextSource.open(source), Math.max(0, Math.floor(count)));
    // No checkpoints: every line is reached by scanning from the start, which a head read does anyway.
    return new LineReader(source, new LineIndex(), Number.MAX_SAFE_INTEGER).text(1, Math.max(0, Math.floor(count)));
  } finally {
    await source.close();
  }
}

async function datHead(dat: DatTextSource, count: number): Promise<string[]> {
  const lines: string[] = [];
  let carry = '';
  for await (const slice of dat.slices(256 * 1024)) {
    const parts = (carry + Buffer.from(slice).toString('latin1')).split('\n');
    carry = parts.pop()!;
    for (const l of parts) {
      if (lines.length >= count) return lines;
      lines.push(l);
    }
    if (lines.length >= count) return lines;
  }
  if (carry !== '' && lines.length < count) lines.push(carry);
  return lines;
}
