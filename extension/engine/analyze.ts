/**
 * analyzeFiles: the engine's entry point for the CLI and the editor worker. Ingests each file (streamed
 * from disk) with the analyses attached as consumers and builds the AnalysisReport.
 */
import { ingestFile, type IngestOptions, type IngestResult } from './ingest/ingestFile';
import { buildReport, type AnalysisReport } from './report/analysisReport';

export interface AnalyzeOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
}

export interface AnalyzeResult {
  readonly report: AnalysisReport;
  readonly results: readonly IngestResult[];
}

export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const results: IngestResult[] = [];
  for (const path of paths) {
    const opts: IngestOptions = {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: (r: number, t: number) => options.onProgress?.(path, r, t) } : {}),
    };
    results.push(await ingestFile(path, opts));
  }
  return { report: buildReport(results), results };
}
