/**
 * Builds a large trace from N time-shifted copies of one `trace-cmd report` text (the 1 GB input of the
 * benchmark: 5 copies of corpus 06's report): the header lines are kept once, and every event line of
 * copy k has its timestamp moved by k x (span + 1 s), so time keeps increasing and the requests of each
 * copy are whole. Streams line by line (bytes, never the whole file in one string).
 */
import { createReadStream, createWriteStream } from 'node:fs';

/** `  comm-pid [cpu]  1109.253297:`: the timestamp after the CPU column. */
const TS = /\]\s+(\d+)\.(\d{6,9}):/;

async function span(file: string): Promise<{ first: number; last: number; digits: number }> {
  let first = -1;
  let last = -1;
  let digits = 6;
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'latin1', highWaterMark: 4 << 20 })) {
    const text = rest + (chunk as string);
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) {
      const m = TS.exec(l);
      if (!m) continue;
      digits = m[2]!.length;
      const t = Number(m[1]) * 1e9 + Number(m[2]!.padEnd(9, '0'));
      if (first < 0) first = t;
      last = t;
    }
  }
  return { first, last, digits };
}

export async function buildShiftedCopies(src: string, out: string, copies: number): Promise<void> {
  const { first, last, digits } = await span(src);
  const shift = last - first + 1e9;
  const ws = createWriteStream(out, { encoding: 'latin1' });
  const write = (s: string): Promise<void> => new Promise((resolve) => (ws.write(s, 'latin1') ? resolve() : ws.once('drain', () => resolve())));
  for (let k = 0; k < copies; k++) {
    let rest = '';
    let seenEvent = false;
    const move = k * shift;
    for await (const chunk of createReadStream(src, { encoding: 'latin1', highWaterMark: 4 << 20 })) {
      const text = rest + (chunk as string);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      const outLines: string[] = [];
      for (const l of lines) {
        const m = TS.exec(l);
        if (!m) {
          if (k === 0 || seenEvent) outLines.push(l);
          continue;
        }
        seenEvent = true;
        if (move === 0) {
          outLines.push(l);
          continue;
        }
        const t = Number(m[1]) * 1e9 + Number(m[2]!.padEnd(9, '0')) + move;
        const sec = Math.floor(t / 1e9);
        const frac = String(Math.round(t - sec * 1e9)).padStart(9, '0').slice(0, digits);
        const stamp = `${sec}.${frac}`;
        const at = m.index + m[0].indexOf(m[1]!);
        outLines.push(l.slice(0, at) + stamp + l.slice(at + m[1]!.length + 1 + m[2]!.length));
      }
      await write(outLines.join('\n') + (outLines.length > 0 ? '\n' : ''));
    }
    if (rest !== '') await write(rest + '\n');
  }
  await new Promise<void>((resolve, reject) => ws.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
