/**
 * One measured analysis (ingest + request lifecycles + detectors), run in its own process by bench.ts.
 * Prints one JSON line: { bytes, events, ms, maxRssKB, requests: {layer: [total, complete]}, findings }.
 */
import { analyzeFile, closeModel } from '../engine/analyze';
import type { IngestTiming } from '../engine/ingest/ingestFile';
import { DatTextSource } from '../engine/tracedat/datTextSource';

async function run(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: analyzeOnce FILE');
  const t0 = process.hrtime.bigint();
  const w = process.env['IOLENS_WORKERS'];
  let timing: IngestTiming | undefined;
  const slice = process.env['IOLENS_SLICE_MB'];
  const model = await analyzeFile(file, {
    ...(w !== undefined && w !== '' ? { workers: Number(w) } : {}),
    ...(slice !== undefined && slice !== '' ? { sliceBytes: Number(slice) * 1024 * 1024 } : {}),
    onTiming: (t) => (timing = t),
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const ingest = model.ingest;
  const requests: Record<string, [number, number]> = {};
  if (model.kind === 'trace') for (const [layer, s] of Object.entries(model.requestsReport.byLayer)) if (s) requests[layer] = [s.total, s.complete];
  process.stdout.write(
    JSON.stringify({
      bytes: ingest.bytes,
      lines: ingest.lines,
      events: ingest.events,
      ms,
      maxRssKB: process.resourceUsage().maxRSS,
      requests,
      findings: model.kind === 'trace' ? model.detectorFindings.length : 0,
      timing,
      // A trace.dat: how many records were decoded from their fields (the rest rendered and parsed as text).
      dat: model.source instanceof DatTextSource && model.source.readStats ? { records: model.source.readStats.records, decoded: model.source.readStats.decoded, plansDropped: model.source.readStats.planNotes.length } : undefined,
    }) + '\n',
  );
  await closeModel(model);
}

void run();
