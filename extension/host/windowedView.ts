/**
 * WindowedView: the common part of the views that show a window of lines of a source as a read-only
 * virtual document (the large-trace view and the filtered view). A view holds the position of its window
 * in its list of lines (every line of a file, or the lines that match a filter); `content()` reads the
 * window's text from the engine; moving the window fires `onDidChange` so VS Code asks for the content
 * again, and `bring` resolves once the document shows the new window.
 */
import * as vscode from 'vscode';
import type { OpenResult } from '../protocol/engineProtocol';
import type { TraceView } from './traceView';

export abstract class WindowedView implements TraceView {
  /** Index (0-based) in the list of the first line shown. */
  protected from = 0;
  /** Lines in the list (all pages). */
  protected total = 0;
  private readonly loaded = new vscode.EventEmitter<void>();
  /** Fires after the document shows a new window (content served). */
  readonly onDidLoad = this.loaded.event;
  abstract readonly contiguous: boolean;

  constructor(
    readonly uri: vscode.Uri,
    readonly session: string,
    readonly sourceFile: string,
    readonly label: string,
    protected readonly windowLines: () => number,
    private readonly fireChange: (uri: vscode.Uri) => void,
  ) {}

  abstract ready(): Promise<OpenResult>;
  abstract toSource(line: number): number | undefined;
  abstract toEditor(line: number): number | undefined;
  abstract shownRange(): { first: number; last: number };
  /** Reads the lines of the window starting at list index `from`; returns them and the list's total. */
  protected abstract read(from: number, count: number): Promise<{ lines: readonly string[]; total: number }>;
  /** Index in the list of the source line `line` (or of the first listed line after it). */
  protected abstract indexOf(line: number): Promise<number>;

  /** The window: first index, lines shown, total listed. */
  window(): { from: number; count: number; total: number } {
    return { from: this.from, count: this.shownCount(), total: this.total };
  }

  protected abstract shownCount(): number;

  /** The text of the current window (VS Code's content request). */
  async content(): Promise<string> {
    await this.ready();
    const { lines, total } = await this.read(this.from, this.windowLines());
    this.total = total;
    queueMicrotask(() => this.loaded.fire());
    return lines.length === 0 ? '' : lines.join('\n');
  }

  /** Moves the window to start at list index `from` (clamped) and waits until the document shows it. */
  async moveTo(from: number): Promise<void> {
    await this.ready();
    const max = Math.max(0, this.total - this.windowLines());
    const target = Math.max(0, Math.min(Math.floor(from), max));
    if (target === this.from) return;
    this.from = target;
    // VS Code asks for the new content only while the document is open, and applies it after the content
    // request returns: wait for the document to change (or, if it is not open, for the content to be read).
    const key = this.uri.toString();
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === key);
    const shown = new Promise<void>((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (): void => {
        clearTimeout(timer);
        for (const d of subs) d.dispose();
        resolve();
      };
      const timer = setTimeout(done, 15_000);
      if (open) subs.push(vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.toString() === key && done()));
      else subs.push(this.onDidLoad(done));
    });
    this.fireChange(this.uri);
    await shown;
  }

  /** Shows the next (+1) or previous (-1) window, keeping a little overlap. */
  page(dir: 1 | -1): Promise<void> {
    const step = Math.max(1, this.windowLines() - 100);
    return this.moveTo(this.from + dir * step);
  }

  async bring(line: number): Promise<number | undefined> {
    const shown = this.toEditor(line);
    if (shown !== undefined) return shown;
    await this.ready();
    const index = await this.indexOf(line);
    // The line a quarter down the window: some context above it, most of what follows below.
    await this.moveTo(index - Math.floor(this.windowLines() / 4));
    return this.toEditor(line);
  }

  dispose(): void {
    this.loaded.dispose();
  }
}
