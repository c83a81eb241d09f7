/**
 * LargeTraceView: one window of a trace or kernel log too large for an editor document (VS Code hands no
 * document above 50 MB to extensions, by design), or of a trace-cmd `trace.dat` (binary: VS Code shows
 * none), analysed from disk in the engine worker and shown as a read-only virtual document: scheme
 * `iolens-trace`, path = the file's path, query `from=N&lines=M`. Editor line K shows source line
 * `from + K + 1`. LargeTraceFile is what the windows of one file share.
 * The first window of a text file is shown while the file is analysed (its text is the file's head); its
 * diagnostics, hovers and lenses come when the analysis answers. A trace.dat's lines are the text
 * `trace-cmd report` prints for it, rendered by the engine from the analysed model, so its first window
 * waits for the analysis; its path gets the suffix ` (trace-cmd report)` so that the tab says what it shows.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OpenResult } from '../protocol/engineProtocol';
import type { EngineClient } from './engineClient';
import type { SessionStore } from './sessionStore';
import { WindowedView, type WindowSource } from './windowedView';

export const LARGE_SCHEME = 'iolens-trace';
/** Appended to a trace.dat's path in its view's URI: the tab reads `trace.dat (trace-cmd report)`. */
export const DAT_VIEW_SUFFIX = ' (trace-cmd report)';

/** The path of the view documents of `filePath` (a trace.dat's with its suffix). */
export function viewPath(filePath: string, dat: boolean): string {
  return vscode.Uri.file(filePath).path + (dat ? DAT_VIEW_SUFFIX : '');
}

/** The file a view URI shows (its path without the trace.dat suffix). */
export function viewFile(uri: vscode.Uri): string {
  const p = uri.fsPath;
  return p.endsWith(DAT_VIEW_SUFFIX) ? p.slice(0, -DAT_VIEW_SUFFIX.length) : p;
}

export class LargeTraceFile implements WindowSource {
  readonly session: string;
  readonly label: string;
  /** The path of this file's window URIs. */
  private readonly path: string;
  private lines = 0;
  private analysed = false;

  constructor(
    readonly filePath: string,
    /** A trace.dat: its lines are those of its `trace-cmd report` rendering (the head too, rendered by the engine). */
    readonly dat: boolean,
    readonly languageId: string,
    private readonly sessions: SessionStore,
    readonly engine: EngineClient,
    private readonly windowLines: () => number,
    private readonly headLines: () => number,
    private readonly windows: (uri: vscode.Uri) => LargeTraceView,
  ) {
    this.session = vscode.Uri.from({ scheme: LARGE_SCHEME, path: vscode.Uri.file(filePath).path }).toString();
    this.label = path.basename(filePath);
    this.path = viewPath(filePath, dat);
  }

  get sourceFile(): string {
    return this.filePath;
  }

  async ready(): Promise<OpenResult> {
    const r = await this.sessions.open({ key: this.session, version: diskVersion(this.filePath), name: this.filePath, path: this.filePath }, [], 'notification');
    this.lines = r.lines;
    this.analysed = true;
    return r;
  }

  /** True once the analysis answered (the line count is known). */
  get isAnalysed(): boolean {
    return this.analysed;
  }

  total(): number {
    return this.lines;
  }

  indexOf(line: number): Promise<number> {
    return Promise.resolve(Math.max(0, line - 1));
  }

  /** The URI of the window that starts at list index `from` (clamped to the file). */
  uriAt(from: number): vscode.Uri {
    const size = this.windowLines();
    const start = Math.max(0, Math.min(Math.floor(from), Math.max(0, this.lines - size)));
    return vscode.Uri.from({ scheme: LARGE_SCHEME, path: this.path, query: `from=${start}&lines=${size}` });
  }

  windowAt(from: number): LargeTraceView {
    return this.windows(this.uriAt(from));
  }

  /** The short first window shown while the file is analysed. */
  headWindow(): LargeTraceView {
    const lines = this.headLines();
    return this.windows(vscode.Uri.from({ scheme: LARGE_SCHEME, path: this.path, query: `from=0&lines=${lines}` }));
  }
}

export class LargeTraceView extends WindowedView {
  readonly contiguous = true;
  private head: Promise<string[]> | undefined;

  constructor(uri: vscode.Uri, readonly file: LargeTraceFile) {
    const q = new URLSearchParams(uri.query);
    super(uri, file, Math.max(0, Number(q.get('from') ?? 0) || 0), Math.max(1, Number(q.get('lines') ?? 200_000) || 200_000));
  }

  shownCount(): number {
    return Math.max(0, Math.min(this.size, this.file.total() - this.from));
  }

  toSource(line: number): number | undefined {
    return line >= 0 && line < this.shownCount() ? this.from + line + 1 : undefined;
  }

  toEditor(line: number): number | undefined {
    const i = line - 1 - this.from;
    return i >= 0 && i < this.shownCount() ? i : undefined;
  }

  shownRange(): { first: number; last: number } {
    return { first: this.from + 1, last: this.from + this.shownCount() };
  }

  load(): Promise<void> {
    return this.ready().then(() => undefined);
  }

  /**
   * Asks for the first window's text before the analysis is requested, so that the worker reads it first
   * (the analysis keeps the worker busy); the next `content()` takes it.
   */
  readHead(): void {
    if (this.from === 0 && !this.file.isAnalysed && this.head === undefined) this.head = this.file.engine.request('fileHead', { path: this.file.filePath, count: this.size });
  }

  async content(): Promise<string> {
    // The first window does not wait for the analysis: its lines are read from the file's start.
    const head = this.head;
    this.head = undefined;
    if (head !== undefined) return (await head).join('\n');
    if (this.from === 0 && !this.file.isAnalysed) return (await this.file.engine.request('fileHead', { path: this.file.filePath, count: this.size })).join('\n');
    await this.ready();
    const w = await this.file.engine.request('lines', { doc: this.session, from: this.from + 1, count: this.size });
    return w.lines.join('\n');
  }
}

/** A version for a file on disk that no editor holds: its modification time and size. */
export function diskVersion(file: string): number {
  try {
    const st = statSync(file);
    return Math.floor(st.mtimeMs) * 1000 + (st.size % 1000);
  } catch {
    return 0;
  }
}
