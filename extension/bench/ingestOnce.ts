/**
 * One measured ingest, run in its own process by bench.ts so that peak RSS belongs to this ingest alone.
 * Prints one JSON line: { bytes, lines, events, ms, maxRssKB, storeMB }. IOLENS_WORKERS overrides the
 * number of parsing threads (0: inline), IOLENS_SLICE_MB the slice size.
 */
import { ingestFile } from '../engine/ingest/ingestFile';

async function run(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: ingestOnce FILE');
  const w = process.env['IOLENS_WORKERS'];
  const sliceMB = process.env['IOLENS_SLICE_MB'];
  const t0 = process.hrtime.bigint();
  const r = await ingestFile(file, {
    ...(w !== undefined && w !== '' ? { workers: Number(w) } : {}),
    ...(sliceMB ? { sliceBytes: Number(sliceMB) * 1024 * 1024 } : {}),
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const usage = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({
      bytes: r.bytes,
      lines: r.lines,
      events: r.events,
      skippedLines: r.skippedLines,
      findings: r.findings.length,
      ms,
      maxRssKB: usage.maxRSS,
      storeMB: r.store.byteLength / 1e6,
    }) + '\n',
  );
}

void run();
