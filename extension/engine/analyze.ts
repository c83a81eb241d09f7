/**
 * analyzeFiles: the engine's entry point for the CLI and the editor worker. Ingests each file (streamed
 * from disk) with its FileAnalysis attached as consumers, and builds the AnalysisReport.
 */
import { FileAnalysis, type FileAnalysisResult } from './analysis/fileAnalysis';
import { ingestFile, type IngestOptions, type IngestResult } from './ingest/ingestFile';
import { buildReport, type AnalysisReport } from './report/analysisReport';

export interface AnalyzeOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
  /** Rebuild request lifecycles and run the detectors (default true). */
  readonly lifecycles?: boolean;
}

/** One analysed file: what ingest read and what the analyses found. */
export interface AnalyzedFile {
  readonly ingest: IngestResult;
  readonly analysis: FileAnalysisResult | undefined;
}

export interface AnalyzeResult {
  readonly report: AnalysisReport;
  readonly files: readonly AnalyzedFile[];
}

/** Ingests and analyses one file. */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<AnalyzedFile> {
  const analysis = options.lifecycles === false ? undefined : new FileAnalysis(path);
  const opts: IngestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (r: number, t: number) => options.onProgress?.(path, r, t) } : {}),
    ...(analysis ? { consumers: analysis.consumers() } : {}),
  };
  const ingest = await ingestFile(path, opts);
  return { ingest, analysis: analysis?.result(ingest.store) };
}

export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const files: AnalyzedFile[] = [];
  for (const path of paths) files.push(await analyzeFile(path, options));
  return { report: buildReport(files), files };
}
