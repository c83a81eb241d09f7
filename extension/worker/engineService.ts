/**
 * EngineService: the engine side of the host <-> worker protocol, independent of the worker thread (tests
 * drive it directly). It keeps a session per open document: leases on the retained models of the document
 * and of its companions (a kernel log with the traces of the same window, and the other way round) in a
 * ModelRegistry, the report assembled over them, and an index of its findings. Queries are answered from
 * those models (hovers, CodeLenses and inlay hints too: the lens and task indexes are built per session on
 * first use); a newer version of a document supersedes the older one (whose build, if still running,
 * is aborted); a companion that is itself open shares its model (a log opened beside its trace does not
 * ingest the trace again).
 */
import { fileHead } from '../engine/query/fileHead';
import { statSync } from 'node:fs';
import { analyzeBytes, analyzeFile, assemble } from '../engine/analyze';
import type { Finding } from '../engine/contracts/finding';
import type { AnalysisReport } from '../engine/contracts/report';
import type { FileModel } from '../engine/model/fileModel';
import { lineCountOf } from '../engine/model/fileModel';
import { FindingIndex } from '../engine/query/findingIndex';
import { LensIndex } from '../engine/query/lensIndex';
import { lineInfo } from '../engine/query/lineInfo';
import { TaskIndex } from '../engine/query/taskIndex';
import { renderSarif } from '../engine/report/renderSarif';
import { VERSION } from '../engine/version';
import { ModelRegistry, type ModelLease, type RegistryOptions } from '../engine/session/modelRegistry';
import type { DocRef, EngineMethods, OpenResult } from '../protocol/engineProtocol';
import type { ParamsOf, ResultOf } from '../protocol/envelope';

interface DocSession {
  readonly doc: DocRef;
  readonly lease: ModelLease;
  readonly companions: readonly ModelLease[];
  readonly report: AnalysisReport;
  readonly findings: FindingIndex;
  /** The document's CodeLenses (built on the first `lenses` request). */
  lenses?: LensIndex;
  /** Kernel logs: the document's task reports by line (built on the first `lineInfo`). */
  tasks?: TaskIndex;
}

/** Progress of a long request: bytes read of the document being analysed. */
export type ProgressSink = (bytesRead: number, totalBytes: number) => void;

type Handler<M extends keyof EngineMethods> = (params: ParamsOf<EngineMethods, M>, signal: AbortSignal, progress: ProgressSink) => Promise<ResultOf<EngineMethods, M>> | ResultOf<EngineMethods, M>;

export class EngineService {
  readonly registry: ModelRegistry;
  private readonly sessions = new Map<string, DocSession>();

  constructor(options: RegistryOptions = {}) {
    this.registry = new ModelRegistry(options);
  }

  /** Answers one request (throws an Error whose message is for the user). */
  handle<M extends keyof EngineMethods>(method: M, params: ParamsOf<EngineMethods, M>, signal: AbortSignal, progress: ProgressSink): Promise<ResultOf<EngineMethods, M>> {
    const h = this.handlers[method] as Handler<M> | undefined;
    if (h === undefined) return Promise.reject(new Error(`unknown method ${String(method)}`));
    try {
      return Promise.resolve(h(params, signal, progress));
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Releases every session and model. */
  dispose(): void {
    for (const s of this.sessions.values()) this.releaseSession(s);
    this.sessions.clear();
    this.registry.clear();
  }

  private readonly handlers: { [M in keyof EngineMethods]: Handler<M> } = {
    open: (p, signal, progress) => this.open(p.doc, p.companions, signal, progress),
    close: (p) => this.close(p.doc),
    eventAt: (p) => this.session(p.doc).lease.queries.eventAt(p.line) ?? null,
    lineInfo: (p) => {
      const s = this.session(p.doc);
      const q = s.lease.queries;
      const tasks = q.model.kind === 'kernel-log' ? (s.tasks ??= new TaskIndex(s.report.tasks, q.path)) : undefined;
      return lineInfo(q, s.findings, tasks, p.line, p.maxNodes);
    },
    lenses: (p) => {
      const s = this.session(p.doc);
      return (s.lenses ??= new LensIndex(s.lease.model, s.findings)).inRange(p.from, p.to);
    },
    inlayHints: (p) => this.session(p.doc).lease.queries.inlayHints(p.from, p.to),
    requestChains: (p) => this.session(p.doc).lease.queries.requestChainsAt(p.line, p.maxNodes),
    relatedLines: (p) => this.session(p.doc).lease.queries.relatedLines(p.line),
    definition: (p) => this.session(p.doc).lease.queries.definition(p.line) ?? null,
    findingsAt: (p) => {
      const s = this.session(p.doc);
      return s.findings.atLine(s.lease.model.path, p.line);
    },
    findingsInRange: (p) => {
      const s = this.session(p.doc);
      return s.findings.inRange(s.lease.model.path, p.from, p.to);
    },
    nextFinding: (p) => {
      const s = this.session(p.doc);
      return s.findings.next(s.lease.model.path, p.line, p.dir, p.kind) ?? null;
    },
    eventsPage: async (p, signal) => {
      const s = this.session(p.doc);
      return (await s.lease.queries.eventsPageAsync(p.filter, p.offset, p.limit, p.withFields === true, s.report.findings, signal)) ?? null;
    },
    rowIndexOfLine: async (p, signal) => {
      const s = this.session(p.doc);
      return (await s.lease.queries.rowIndexOfLine(p.filter, p.line, s.report.findings, signal)) ?? null;
    },
    timelineLanes: (p) => this.session(p.doc).lease.queries.timelineLanes(p.by) ?? null,
    timeline: (p) => this.session(p.doc).lease.queries.timeline(p.by, p.fromNs, p.toNs, p.widthPx, p.lanes) ?? null,
    overview: (p) => {
      const s = this.session(p.doc);
      return s.lease.queries.overview(p.bins, s.report.findings) ?? null;
    },
    latency: (p) => this.session(p.doc).lease.queries.latency(p.query),
    lifecycleGraph: (p) => this.session(p.doc).lease.queries.lifecycleGraph(p.request, p.expand ?? []) ?? null,
    waitGraph: (p) => this.session(p.doc).report.waitGraph,
    outline: (p) => {
      const s = this.session(p.doc);
      return s.lease.queries.outline(s.report.findings);
    },
    folding: (p) => this.session(p.doc).lease.queries.folding(),
    lines: (p) => this.session(p.doc).lease.queries.lines(p.from, p.count),
    linesAt: (p) => this.session(p.doc).lease.queries.linesAt(p.lines),
    fileHead: (p) => fileHead(p.path, Math.min(p.count, 1_000_000)),
    lineAtTime: (p) => this.session(p.doc).lease.queries.lineAtTime(p.seconds) ?? null,
    findings: (p): Finding[] => this.session(p.doc).report.findings,
    exportFindings: (p) => {
      const report = this.session(p.doc).report;
      return p.format === 'sarif' ? renderSarif(report, VERSION) : JSON.stringify(report, null, 2) + '\n';
    },
    stats: () => ({ models: this.registry.list(), bytes: this.registry.bytes }),
  };

  private session(key: string): DocSession {
    const s = this.sessions.get(key);
    if (s === undefined) throw new Error(`${key} is not open in the engine (analyse it first)`);
    return s;
  }

  private async open(doc: DocRef, companions: readonly DocRef[], signal: AbortSignal, progress: ProgressSink): Promise<OpenResult> {
    const acquired: ModelLease[] = [];
    try {
      const mk = modelKey(doc);
      const lease = await this.registry.acquire(mk.key, mk.version, (s) => build(doc, s, progress));
      acquired.push(lease);
      for (const c of companions) {
        if (signal.aborted) throw new Error('cancelled');
        const ck = modelKey(c);
        acquired.push(await this.registry.acquire(ck.key, ck.version, (s) => build(c, s, () => undefined)));
      }
      if (signal.aborted) throw new Error('cancelled');
      const models: FileModel[] = acquired.map((l) => l.model);
      const { report } = assemble(models);
      const session: DocSession = { doc, lease, companions: acquired.slice(1), report, findings: new FindingIndex(report.findings) };
      const old = this.sessions.get(doc.key);
      this.sessions.set(doc.key, session);
      if (old) this.releaseSession(old);
      return { report, kind: lease.model.kind, lines: lineCountOf(lease.model), modelBytes: this.registry.bytes };
    } catch (err) {
      for (const l of acquired) this.registry.release(l);
      throw err;
    }
  }

  private close(key: string): boolean {
    const s = this.sessions.get(key);
    if (s === undefined) return false;
    this.sessions.delete(key);
    this.releaseSession(s);
    return true;
  }

  private releaseSession(s: DocSession): void {
    this.registry.release(s.lease);
    for (const c of s.companions) this.registry.release(c);
  }
}

/**
 * The registry key of a document's model. A document read from disk is identified by its file and the
 * file's version on disk, not by the document: the editor's document, a large-trace view, a filtered view
 * and an analysis started before the editor finished loading the file all share one model. Text that is
 * not on disk (unsaved changes) is its document's own.
 */
export function modelKey(doc: DocRef): { key: string; version: number } {
  if (doc.bytes === undefined && doc.path !== undefined) return { key: `file:${doc.path}`, version: diskVersion(doc.path) };
  return { key: doc.key, version: doc.version };
}

/** Builds the model of a document: from its file on disk, or from its text. */
async function build(doc: DocRef, signal: AbortSignal, progress: ProgressSink): Promise<FileModel> {
  if (doc.bytes !== undefined) return analyzeBytes(doc.name, doc.bytes);
  return analyzeFile(doc.path ?? doc.name, { signal, onProgress: (_f, read, total) => progress(read, total) });
}

/** A version for a file on disk that is not open in an editor: its size and modification time. */
export function diskVersion(path: string): number {
  try {
    const st = statSync(path);
    return Math.floor(st.mtimeMs) * 1000 + (st.size % 1000);
  } catch {
    return 0;
  }
}
