/**
 * FilteredView: the events of a trace that match a filter, as a read-only virtual document (scheme
 * `iolens-filter`) whose lines are the original lines, in order. It shares the session of the trace it
 * filters (a document or a large-trace view), so every line stays hoverable and navigable; a window of at
 * most `iolens.largeFile.windowLines` matches is shown at once and moves like the large-trace view's.
 */
import type * as vscode from 'vscode';
import type { EventFilter } from '../engine/contracts/query';
import type { OpenResult } from '../protocol/engineProtocol';
import type { EngineClient } from './engineClient';
import type { TraceView } from './traceView';
import { WindowedView } from './windowedView';

export const FILTER_SCHEME = 'iolens-filter';

export class FilteredView extends WindowedView {
  readonly contiguous = false;
  /** Source lines (1-based, increasing) of the window. */
  private lines: Uint32Array = new Uint32Array(0);

  constructor(
    uri: vscode.Uri,
    readonly parent: TraceView,
    readonly filter: EventFilter,
    readonly description: string,
    private readonly engine: EngineClient,
    windowLines: () => number,
    fireChange: (uri: vscode.Uri) => void,
  ) {
    super(uri, parent.session, parent.sourceFile, parent.label, windowLines, fireChange);
  }

  async ready(): Promise<OpenResult> {
    const r = await this.parent.ready();
    if (this.total === 0) this.total = (await this.engine.request('eventsPage', { doc: this.session, filter: this.filter, offset: 0, limit: 0 }))?.total ?? 0;
    return r;
  }

  /** Matching events in the whole trace. */
  get matching(): number {
    return this.total;
  }

  toSource(line: number): number | undefined {
    return line >= 0 && line < this.lines.length ? this.lines[line] : undefined;
  }

  toEditor(line: number): number | undefined {
    const a = this.lines;
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = a[mid]!;
      if (v === line) return mid;
      if (v < line) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Brings the line into view; a line that does not match brings the next match (or the last one). */
  override async bring(line: number): Promise<number | undefined> {
    return (await super.bring(line)) ?? this.nearestEditorLine(line);
  }

  /** The editor line of the first shown source line at or after `line` (for jumps to a line not shown). */
  nearestEditorLine(line: number): number | undefined {
    const a = this.lines;
    let lo = 0;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return lo < a.length ? lo : a.length > 0 ? a.length - 1 : undefined;
  }

  shownRange(): { first: number; last: number } {
    const a = this.lines;
    return a.length === 0 ? { first: 1, last: 0 } : { first: a[0]!, last: a[a.length - 1]! };
  }

  protected shownCount(): number {
    return this.lines.length;
  }

  protected async read(from: number, count: number): Promise<{ lines: readonly string[]; total: number }> {
    const page = await this.engine.request('eventsPage', { doc: this.session, filter: this.filter, offset: from, limit: count });
    if (page === null) throw new Error(`${this.label} is not a trace: nothing to filter`);
    const text = await this.engine.request('linesAt', { doc: this.session, lines: Array.from(page.line) });
    this.lines = page.line;
    return { lines: text, total: page.total };
  }

  protected async indexOf(line: number): Promise<number> {
    const before = await this.engine.request('eventsPage', { doc: this.session, filter: { ...this.filter, toLine: Math.max(0, Math.min(this.filter.toLine ?? Number.MAX_SAFE_INTEGER, line - 1)) }, offset: 0, limit: 0 });
    return before?.total ?? 0;
  }
}
