/** The baseline: a plain pass that reads the file in the same slices and counts newlines. */
import { open } from 'node:fs/promises';

async function run(): Promise<void> {
  const file = process.argv[2]!;
  const t0 = process.hrtime.bigint();
  const fh = await open(file, 'r');
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  let lines = 0;
  let bytes = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
    if (bytesRead === 0) break;
    let p = buf.indexOf(10, 0);
    while (p >= 0 && p < bytesRead) {
      lines++;
      p = buf.indexOf(10, p + 1);
    }
    bytes += bytesRead;
  }
  await fh.close();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ bytes, lines, ms, maxRssKB: process.resourceUsage().maxRSS }) + '\n');
}

void run();
