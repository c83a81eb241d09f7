/**
 * WindowedView: a window of a list of lines of a source (every line of a large file, or the lines that
 * match a filter) as a read-only virtual document. A window is immutable: its URI's query says which part
 * of the list it holds (`from`, `lines`), its content is a pure function of that URI, and showing other
 * lines means opening another window in its place (opening a new document is fast; VS Code would diff a
 * changed one against the old text, seconds for 200,000 lines). Windows of one source share a
 * WindowSource: its session, its list and the language of its documents.
 */
import type * as vscode from 'vscode';
import type { OpenResult } from '../protocol/engineProtocol';
import type { Shown, TraceView } from './traceView';

/** What the windows of one source share. */
export interface WindowSource {
  readonly session: string;
  readonly sourceFile: string;
  readonly label: string;
  /** Language of the window documents (`ftrace`, `kernel-log`). */
  readonly languageId: string;
  ready(): Promise<OpenResult>;
  /** Lines in the list (all windows), known once ready. */
  total(): number;
  /** Index in the list of source line `line` (or of the first listed line after it). */
  indexOf(line: number): Promise<number>;
  /** The window starting at list index `from` (clamped), of the configured size. */
  windowAt(from: number): WindowedView;
}

export abstract class WindowedView implements TraceView {
  abstract readonly contiguous: boolean;

  constructor(
    readonly uri: vscode.Uri,
    readonly source: WindowSource,
    /** Index (0-based) in the list of the first line shown. */
    readonly from: number,
    /** Lines the window holds at most. */
    readonly size: number,
  ) {}

  get session(): string {
    return this.source.session;
  }

  get sourceFile(): string {
    return this.source.sourceFile;
  }

  get label(): string {
    return this.source.label;
  }

  ready(): Promise<OpenResult> {
    return this.source.ready();
  }

  abstract toSource(line: number): number | undefined;
  abstract toEditor(line: number): number | undefined;
  abstract shownRange(): { first: number; last: number };
  /** Lines shown (known once the content was read). */
  abstract shownCount(): number;
  /** Reads what the line mapping needs (a filtered window: which lines match); the text comes later. */
  abstract load(): Promise<void>;
  /** The text of the window (VS Code's content request). */
  abstract content(): Promise<string>;

  /** The window: first index, lines shown, total listed. */
  window(): { from: number; count: number; total: number } {
    return { from: this.from, count: this.shownCount(), total: this.source.total() };
  }

  /** The next (+1) or previous (-1) window, overlapping this one by 100 lines. */
  neighbour(dir: 1 | -1): WindowedView {
    const step = Math.max(1, this.size - 100);
    return this.source.windowAt(this.from + dir * step);
  }

  async bring(line: number): Promise<Shown | undefined> {
    const at = this.toEditor(line);
    if (at !== undefined) return { view: this, line: at };
    await this.ready();
    const index = await this.source.indexOf(line);
    // The line a quarter down the window: some context above it, most of what follows below.
    const w = this.source.windowAt(index - Math.floor(this.size / 4));
    if (w.uri.toString() === this.uri.toString()) return undefined;
    await w.load();
    const there = w.toEditor(line);
    return there === undefined ? undefined : { view: w, line: there };
  }
}
