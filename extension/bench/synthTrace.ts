/**
 * Builds a synthetic trace of any size from real trace-cmd report lines: the template lines are
 * repeated in order with their timestamps rewritten so that time keeps increasing, so the result has
 * the event mix, line lengths and payload variety of real recordings.
 */
import { createWriteStream, readFileSync } from 'node:fs';

const TS = /^(.*?\[\d{3,}\]\s+)(\d+)\.(\d+)(: .*)$/;

export async function buildSyntheticTrace(templates: readonly string[], out: string, targetBytes: number): Promise<{ bytes: number; lines: number }> {
  const lines: [string, string][] = [];
  for (const t of templates) {
    for (const l of readFileSync(t, 'utf8').split('\n')) {
      const m = TS.exec(l);
      if (m) lines.push([m[1]!, m[4]!]);
    }
  }
  if (lines.length === 0) throw new Error('no template event lines');
  const ws = createWriteStream(out);
  let failed: Error | undefined;
  ws.on('error', (err) => {
    failed = err;
  });
  let bytes = 0;
  let n = 0;
  let us = 1_000_000_000; // 1000 s after boot
  const chunk: string[] = [];
  let chunkBytes = 0;
  const write = (s: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (failed) reject(failed);
      else if (ws.write(s)) resolve();
      else ws.once('drain', resolve);
    });
  await write('cpus=2\n');
  while (bytes < targetBytes) {
    const [pre, post] = lines[n % lines.length]!;
    us += 3;
    const sec = Math.floor(us / 1e6);
    const frac = String(us % 1e6).padStart(6, '0');
    const line = `${pre}${String(sec).padStart(5)}.${frac}${post}\n`;
    chunk.push(line);
    chunkBytes += line.length;
    bytes += line.length;
    n++;
    if (chunkBytes > 1 << 20) {
      await write(chunk.join(''));
      chunk.length = 0;
      chunkBytes = 0;
    }
  }
  await write(chunk.join(''));
  await new Promise<void>((resolve, reject) => ws.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { bytes, lines: n + 1 };
}
