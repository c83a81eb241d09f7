/**
 * analyzeFiles: the engine's entry point for the CLI and the editor worker. Ingests each file (streamed
 * from disk) with its FileAnalysis attached as consumers; a file that holds no trace events but a kernel
 * log (or blocked-task dumps inside other text) is read again by the kernel-log parser. Then the
 * blocked-task analysis runs over all logs and traces together, and the AnalysisReport is built.
 */
import type { Finding } from './contracts/finding';
import type { AnalysisReport } from './contracts/report';
import { FileAnalysis, type FileAnalysisResult } from './analysis/fileAnalysis';
import { analyzeHangs, type HangAnalysis } from './hang/hangAnalysis';
import type { TraceSide } from './hang/traceLink';
import { open } from 'node:fs/promises';
import { sniffContent } from './ingest/sniffContent';
import { ingestBytes, ingestFile, type IngestOptions, type IngestResult } from './ingest/ingestFile';
import type { KernelLogResult, LogDiagnostic } from './klog/kernelLogParser';
import { parseKernelLogBytes, parseKernelLogFile } from './klog/readKernelLog';
import { buildReport } from './report/analysisReport';

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
  /** The blocked-task dumps of a kernel log (absent for traces). */
  readonly kernelLog?: KernelLogResult;
}

export interface AnalyzeResult {
  readonly report: AnalysisReport;
  readonly files: readonly AnalyzedFile[];
  readonly hangs: HangAnalysis;
}

/** Ingests and analyses one file. */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<AnalyzedFile> {
  // A file that starts as a kernel log is read by the kernel-log parser only: trace ingest would spend
  // its slow path (explaining every unreadable line) on every line of it.
  const head = await readHead(path);
  if (head && sniffContent(new TextDecoder().decode(head.bytes), 200) === 'kernel-log') {
    const log = await parseKernelLogFile(path, options.signal);
    options.onProgress?.(path, head.size, head.size);
    return { ingest: logFacts(path, head.size, log), analysis: undefined, kernelLog: log };
  }
  const analysis = options.lifecycles === false ? undefined : new FileAnalysis(path);
  const opts: IngestOptions = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (r: number, t: number) => options.onProgress?.(path, r, t) } : {}),
    ...(analysis ? { consumers: analysis.consumers() } : {}),
  };
  const ingest = await ingestFile(path, opts);
  if (mayBeKernelLog(ingest)) {
    const log = await parseKernelLogFile(path, options.signal);
    if (isKernelLog(ingest, log)) return { ingest: asKernelLog(ingest, log), analysis: undefined, kernelLog: log };
  }
  return { ingest, analysis: analysis?.result(ingest.store) };
}

/** Analyses text already in memory (an editor buffer), like a file. */
export function analyzeBytes(path: string, bytes: Uint8Array): AnalyzedFile {
  if (sniffContent(new TextDecoder().decode(bytes.subarray(0, HEAD_BYTES)), 200) === 'kernel-log') {
    const log = parseKernelLogBytes(bytes);
    return { ingest: logFacts(path, bytes.length, log), analysis: undefined, kernelLog: log };
  }
  const analysis = new FileAnalysis(path);
  const ingest = ingestBytes(path, bytes, { consumers: analysis.consumers() });
  if (mayBeKernelLog(ingest)) {
    const log = parseKernelLogBytes(bytes);
    if (isKernelLog(ingest, log)) return { ingest: asKernelLog(ingest, log), analysis: undefined, kernelLog: log };
  }
  return { ingest, analysis: analysis.result(ingest.store) };
}

export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const files: AnalyzedFile[] = [];
  for (const path of paths) files.push(await analyzeFile(path, options));
  return assemble(files);
}

/** The cross-file analyses (kernel logs with traces) and the report. */
export function assemble(files: readonly AnalyzedFile[]): AnalyzeResult {
  const logs = files.flatMap((f) => (f.kernelLog ? [{ file: f.ingest.path, log: f.kernelLog }] : []));
  const traces: TraceSide[] = files.flatMap((f) => {
    const a = f.analysis;
    if (!a || f.ingest.events === 0) return [];
    return [
      {
        file: f.ingest.path,
        store: f.ingest.store,
        collector: a.taskFacts,
        extents: a.orderedExtents,
        requests: a.requestSet,
        clock: f.ingest.formatDetails.clock,
        first: (f.ingest.firstTimestamp ?? 0) / 1e9,
        last: (f.ingest.lastTimestamp ?? 0) / 1e9,
      },
    ];
  });
  const hangs = analyzeHangs(logs, traces);
  return { report: buildReport(files, hangs), files, hangs };
}

const HEAD_BYTES = 64 * 1024;

async function readHead(path: string): Promise<{ bytes: Uint8Array; size: number } | undefined> {
  try {
    const fh = await open(path, 'r');
    try {
      const size = (await fh.stat()).size;
      const buf = Buffer.alloc(Math.min(HEAD_BYTES, size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      const bytes = buf.subarray(0, bytesRead);
      if (bytes.includes(0)) return undefined; // binary (trace.dat, garbage): ingest reports it
      return { bytes, size };
    } finally {
      await fh.close();
    }
  } catch {
    return undefined; // ingest gives the one-line error for a missing or unreadable path
  }
}

/** The `files[]` facts of a file read as a kernel log only. */
function logFacts(path: string, bytes: number, log: KernelLogResult): IngestResult {
  const empty = ingestBytes(path, new Uint8Array(0));
  return asKernelLog({ ...empty, bytes, lines: log.lines }, log);
}

function mayBeKernelLog(ingest: IngestResult): boolean {
  return ingest.events === 0 && (ingest.format === 'kernel-log' || ingest.format === 'unknown');
}

function isKernelLog(ingest: IngestResult, log: KernelLogResult): boolean {
  return ingest.format === 'kernel-log' || log.tasks.length > 0 || log.dumps.length > 0;
}

/** The ingest facts of a kernel log: its format, and its parse diagnostics instead of trace parse errors. */
function asKernelLog(ingest: IngestResult, log: KernelLogResult): IngestResult {
  const kept = ingest.findings.filter((f) => f.kind !== 'parse-error');
  return { ...ingest, format: 'kernel-log', skippedLines: 0, findings: [...kept, ...log.diagnostics.map((d) => diagnosticFinding(ingest.path, d))] };
}

function diagnosticFinding(file: string, d: LogDiagnostic): Finding {
  return {
    kind: 'parse-error',
    severity: d.severity,
    message: d.endLine > d.line ? `lines ${d.line}-${d.endLine}: ${d.message}` : d.message,
    file,
    line: d.line,
    evidence: d.endLine > d.line ? [{ file, line: d.line }, { file, line: d.endLine }] : [{ file, line: d.line }],
    details: { endLine: d.endLine, source: 'kernel-log' },
  };
}
