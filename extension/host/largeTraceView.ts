/**
 * LargeTraceView: a trace or kernel log too large for an editor document (VS Code hands no document above
 * 50 MB to extensions, by design), analysed from disk in the engine worker and shown as a read-only virtual
 * document (scheme `iolens-trace`, path = the file's path) holding a window of its lines. Editor line N
 * shows source line `from + N + 1`; the window moves to bring any line, time or finding into view.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import type { OpenResult } from '../protocol/engineProtocol';
import type { EngineClient } from './engineClient';
import type { SessionStore } from './sessionStore';
import { WindowedView } from './windowedView';

export const LARGE_SCHEME = 'iolens-trace';

export class LargeTraceView extends WindowedView {
  readonly contiguous = true;
  private shown = 0;

  constructor(
    uri: vscode.Uri,
    readonly filePath: string,
    private readonly sessions: SessionStore,
    private readonly engine: EngineClient,
    windowLines: () => number,
    fireChange: (uri: vscode.Uri) => void,
  ) {
    super(uri, uri.toString(), filePath, path.basename(filePath), windowLines, fireChange);
  }

  async ready(): Promise<OpenResult> {
    const r = await this.sessions.open({ key: this.session, version: diskVersion(this.filePath), name: this.filePath, path: this.filePath }, [], 'notification');
    this.total = r.lines;
    return r;
  }

  toSource(line: number): number | undefined {
    return line >= 0 && line < this.shown ? this.from + line + 1 : undefined;
  }

  toEditor(line: number): number | undefined {
    const i = line - 1 - this.from;
    return i >= 0 && i < this.shown ? i : undefined;
  }

  shownRange(): { first: number; last: number } {
    return { first: this.from + 1, last: this.from + this.shown };
  }

  protected shownCount(): number {
    return this.shown;
  }

  protected async read(from: number, count: number): Promise<{ lines: readonly string[]; total: number }> {
    const w = await this.engine.request('lines', { doc: this.session, from: from + 1, count });
    this.shown = w.lines.length;
    return { lines: w.lines, total: w.totalLines };
  }

  protected indexOf(line: number): Promise<number> {
    return Promise.resolve(Math.max(0, line - 1));
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
