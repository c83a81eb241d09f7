/**
 * analyze: turns inputs into retained FileModels and assembles reports. This is the engine's entry point
 * for the CLI, the engine worker (through its sessions) and the tests.
 *
 * `analyzeInput` dispatches once on the input layer's decision (input/openInput.ts), reading the source
 * once: a kernel log goes to the kernel-log parser alone; text goes through the trace ingest with the
 * trackers and detectors attached, while every line that is not an event is handed to the kernel-log
 * parser in the same pass (a text with no events but dumps or I/O error lines is a kernel log); a
 * trace.dat gives its "not supported yet" message (the binary reader plugs in here). `assemble` runs the
 * cross-file analyses (kernel logs with traces: blocked tasks, I/O errors) over models and builds the
 * report.
 */
import { FileAnalysis } from './analysis/fileAnalysis';
import type { Finding } from './contracts/finding';
import type { AnalysisReport } from './contracts/report';
import { analyzeHangs, type HangAnalysis } from './hang/hangAnalysis';
import type { TraceSide } from './hang/traceLink';
import { ingestMemory, ingestSource, type IngestResult, type IngestTiming } from './ingest/ingestFile';
import type { MemorySource } from './input/byteSource';
import { openBytes, openInput, traceDatError, type OpenedInput } from './input/openInput';
import { DatTextSource } from './tracedat/datTextSource';
import { ingestDat } from './tracedat/datIngest';
import { KernelLogParser, type KernelLogResult, type LogDiagnostic } from './klog/kernelLogParser';
import { parseKernelLogSource, readKernelLogBytes } from './klog/readKernelLog';
import { analyzeLogIoErrors, type TraceIoInput } from './logio/logIoErrorAnalysis';
import type { FileModel, KernelLogModel, TraceModel } from './model/fileModel';
import { buildReport } from './report/analysisReport';
import { EventStore } from './store/eventStore';
import type { LineIndex } from './store/lineIndex';

export interface AnalyzeOptions {
  readonly signal?: AbortSignal;
  /** Parsing threads (default: ingest's choice by size); 0 parses inline. */
  readonly workers?: number;
  /** Receives where ingest spent its time (benchmark). */
  readonly onTiming?: (timing: IngestTiming) => void;
  /** Bytes per parsed slice (default: ingest's). */
  readonly sliceBytes?: number;
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
}

export interface AnalyzeResult {
  readonly report: AnalysisReport;
  readonly models: readonly FileModel[];
  readonly hangs: HangAnalysis;
}

/** Opens, sniffs and analyses one file into its model; the model keeps the source open (release it with `closeModel`). */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<FileModel> {
  const opened = await openInput(path);
  try {
    return await analyzeInput(opened, options);
  } catch (err) {
    await opened.source.close();
    throw err;
  }
}

/** Analyses an opened input (file or memory), dispatching on its kind. */
export async function analyzeInput(opened: OpenedInput, options: AnalyzeOptions = {}): Promise<FileModel> {
  const { source, kind } = opened;
  const path = source.name;
  switch (kind.kind) {
    case 'trace-dat': {
      // trace-cmd's binary file, read as the text `trace-cmd report` prints for it (rendered on the fly).
      // Its events are decoded from the binary records into the same columns (ingestDat); the text is
      // rendered only for the lines shown.
      const dat = await DatTextSource.open(source, { deferMeta: true });
      const store = new EventStore();
      const analysis = new FileAnalysis(path, store);
      const parser = new KernelLogParser();
      const ingest = await ingestDat(dat, {
        store,
        consumers: analysis.consumers(),
        logLines: parser,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: (r: number, t: number) => options.onProgress?.(path, r, t) } : {}),
      });
      const model = textModel({ source: dat, kind: { kind: 'text' } }, ingest, analysis, parser);
      // This thread renders lines later (queries): its zstd decoder, loaded only now that the reader
      // thread's is gone and the analysis is done (the memory peak of a large file is behind).
      await DatTextSource.prepare();
      return model.kind === 'trace' ? withDatFacts(model, dat) : model;
    }
    case 'kernel-log': {
      const { log, lines } = await parseKernelLogSource(source, options.signal);
      options.onProgress?.(path, source.size, source.size);
      return logModel(opened, logFacts(path, source.size, log), log, lines);
    }
    case 'empty':
    case 'binary':
    case 'text': {
      const store = new EventStore();
      const analysis = new FileAnalysis(path, store);
      const parser = new KernelLogParser();
      const ingest = await ingestSource(source, {
        store,
        consumers: analysis.consumers(),
        logLines: parser,
        ...(options.workers !== undefined ? { workers: options.workers } : {}),
        ...(options.onTiming ? { onTiming: options.onTiming } : {}),
        ...(options.sliceBytes !== undefined ? { sliceBytes: options.sliceBytes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.onProgress ? { onProgress: (r: number, t: number) => options.onProgress?.(path, r, t) } : {}),
      });
      return textModel(opened, ingest, analysis, parser);
    }
  }
}

/** Analyses text that is only in memory (an editor buffer), synchronously. */
export function analyzeBytes(path: string, bytes: Uint8Array): FileModel {
  const opened = openBytes(path, bytes);
  const { source, kind } = opened;
  if (kind.kind === 'trace-dat') throw traceDatError(path, kind.version);
  if (kind.kind === 'kernel-log') {
    const { log, lines } = readKernelLogBytes(bytes);
    return logModel(opened, logFacts(path, bytes.length, log), log, lines);
  }
  const store = new EventStore();
  const analysis = new FileAnalysis(path, store);
  const parser = new KernelLogParser();
  const ingest = ingestMemory(source as MemorySource, { store, consumers: analysis.consumers(), logLines: parser });
  return textModel(opened, ingest, analysis, parser);
}

export async function analyzeFiles(paths: readonly string[], options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  const models: FileModel[] = [];
  try {
    for (const path of paths) models.push(await analyzeFile(path, options));
  } catch (err) {
    await Promise.all(models.map(closeModel));
    throw err;
  }
  return assemble(models);
}

/** Releases what a model holds open (its file descriptor). */
export function closeModel(m: FileModel): Promise<void> {
  return m.source.close();
}

/** The trace side of a model, for the blocked-task analysis (undefined for logs and traces without events). */
export function traceSide(m: FileModel): TraceSide | undefined {
  if (m.kind !== 'trace' || m.ingest.events === 0) return undefined;
  return {
    file: m.path,
    store: m.events,
    collector: m.taskFacts,
    extents: m.orderedExtents,
    requests: m.requests,
    clock: m.ingest.formatDetails.clock,
    first: (m.ingest.firstTimestamp ?? 0) / 1e9,
    last: (m.ingest.lastTimestamp ?? 0) / 1e9,
  };
}

/** The cross-file analyses (kernel logs with traces) and the report, over models. */
export function assemble(models: readonly FileModel[]): AnalyzeResult {
  // A trace file that also holds a kernel log takes part as both (its log is linked to its own trace too).
  const logs = models.flatMap((m) => (m.kind === 'kernel-log' ? [{ file: m.path, log: m.log }] : m.log ? [{ file: m.path, log: m.log }] : []));
  const traces = models.flatMap((m) => {
    const side = traceSide(m);
    return side ? [side] : [];
  });
  const hangs = analyzeHangs(logs, traces);
  const traceIo: TraceIoInput[] = models.flatMap((m) => {
    const side = traceSide(m);
    return side && m.kind === 'trace' ? [{ side, findings: m.detectorFindings }] : [];
  });
  const logIo = analyzeLogIoErrors(logs, traceIo);
  return { report: buildReport(models, hangs, logIo), models, hangs };
}

/**
 * A text input after ingest: a trace, or a kernel log when it had no events but log content, or a trace
 * that also holds a kernel log (its log kept with it, and its log lines no longer reported as skipped).
 */
function textModel(opened: OpenedInput, ingest: IngestResult, analysis: FileAnalysis, parser: KernelLogParser): FileModel {
  const result = analysis.result();
  const log = parser.finish();
  if (ingest.events === 0 && (ingest.format === 'kernel-log' || ingest.format === 'unknown')) {
    if (ingest.format === 'kernel-log' || log.tasks.length > 0 || log.dumps.length > 0 || log.ioErrors.records.length > 0) return logModel(opened, asKernelLog(ingest, log), log, ingest.store.lineIndex);
  }
  const withLog = ingest.events > 0 && (log.tasks.length > 0 || log.ioErrors.records.length > 0);
  const model: TraceModel = {
    kind: 'trace',
    path: opened.source.name,
    source: opened.source,
    ingest: withLog ? withoutLogLines(ingest, log) : ingest,
    events: ingest.store,
    requests: result.requestSet,
    requestsReport: result.requests,
    detectorFindings: result.findings,
    orderedExtents: result.orderedExtents,
    taskFacts: result.taskFacts,
    btrfsEra: result.btrfsEra,
    ...(withLog ? { log } : {}),
  };
  return model;
}

/**
 * A trace.dat's model: its facts say what the binary file is (version, compression, size) and the damage
 * the reader skipped in the event data becomes one `parse-error` finding (line 1: the data has no line of
 * its own), listing where.
 */
function withDatFacts(model: TraceModel, dat: DatTextSource): TraceModel {
  // The reader thread's view of the metadata when it read the file (this thread then never reads it).
  const m = dat.readStats ?? dat.meta;
  const gaps = dat.gaps();
  const container = { kind: 'trace.dat' as const, version: m.version, compression: m.codec, fileBytes: dat.fileBytes, records: dat.records, gaps: gaps.count };
  const findings: Finding[] = [...model.ingest.findings];
  if (gaps.count > 0 || m.warnings.length > 0) {
    const what = [...gaps.list, ...m.warnings];
    findings.push({
      kind: 'parse-error',
      severity: gaps.count > 0 ? 'warning' : 'info',
      message: gaps.count > 0
        ? `${gaps.count} damaged part${gaps.count === 1 ? '' : 's'} of the trace.dat's event data could not be read and ${gaps.count === 1 ? 'was' : 'were'} skipped (events there are missing): ${what[0]}${what.length > 1 ? ` (+${what.length - 1} more)` : ''}.`
        : `The trace.dat was read with assumptions: ${what.join('; ')}.`,
      file: model.path,
      line: 1,
      evidence: [],
      details: { scope: 'trace.dat', gaps: gaps.count, reasons: what.slice(0, 20) },
    });
  }
  return { ...model, ingest: { ...model.ingest, findings, container } };
}

/** A trace's ingest facts without the parse errors of runs of skipped lines that are the dumps of its kernel log. */
function withoutLogLines(ingest: IngestResult, log: KernelLogResult): IngestResult {
  const items = log.sections.filter((s) => s.kind !== 'stack' && s.kind !== 'registers');
  const inLog = (first: number, last: number): boolean => items.some((s) => s.line <= first && last <= s.endLine);
  const findings = ingest.findings.filter((f) => {
    if (f.kind !== 'parse-error') return true;
    const d = f.details as { scope?: unknown; lastLine?: unknown } | undefined;
    if (d?.scope !== 'line') return true;
    return !inLog(f.line, typeof d.lastLine === 'number' ? d.lastLine : f.line);
  });
  return findings.length === ingest.findings.length ? ingest : { ...ingest, findings };
}

function logModel(opened: OpenedInput, ingest: IngestResult, log: KernelLogResult, lines: LineIndex): KernelLogModel {
  return { kind: 'kernel-log', path: opened.source.name, source: opened.source, ingest, log, lines };
}

/** The `files[]` facts of a file read as a kernel log only. */
function logFacts(path: string, bytes: number, log: KernelLogResult): IngestResult {
  const empty = ingestMemory(openBytes(path, new Uint8Array(0)).source);
  return asKernelLog({ ...empty, bytes, lines: log.lines }, log);
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
    evidence:
      d.endLine > d.line
        ? [
            { file, line: d.line, role: `${d.what} (first line)` },
            { file, line: d.endLine, role: `${d.what} (last line)` },
          ]
        : [{ file, line: d.line, role: d.what }],
    details: { endLine: d.endLine, source: 'kernel-log' },
  };
}
