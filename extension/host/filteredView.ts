/**
 * FilteredView: one window of the events of a trace that match a filter, as a read-only virtual document
 * (scheme `iolens-filter`, path `/<trace> [<filter>]`, query `view=<id>&from=N&lines=M`) whose lines are
 * the original lines, in order. Windows of one filter share a FilteredSource, and every filter of a trace
 * shares the trace's session, so each line stays hoverable and navigable.
 */
import * as vscode from 'vscode';
import type { EventFilter } from '../engine/contracts/query';
import type { OpenResult } from '../protocol/engineProtocol';
import type { EngineClient } from './engineClient';
import type { TraceView, Shown } from './traceView';
import { WindowedView, type WindowSource } from './windowedView';

export const FILTER_SCHEME = 'iolens-filter';

export class FilteredSource implements WindowSource {
  private matching = -1;

  constructor(
    readonly id: number,
    readonly parent: TraceView,
    readonly filter: EventFilter,
    readonly description: string,
    readonly languageId: string,
    readonly engine: EngineClient,
    private readonly windowLines: () => number,
    private readonly windows: (uri: vscode.Uri) => FilteredView,
  ) {}

  get session(): string {
    return this.parent.session;
  }

  get sourceFile(): string {
    return this.parent.sourceFile;
  }

  get label(): string {
    return this.parent.label;
  }

  async ready(): Promise<OpenResult> {
    const r = await this.parent.ready();
    if (this.matching < 0) this.matching = (await this.engine.request('eventsPage', { doc: this.session, filter: this.filter, offset: 0, limit: 0 }))?.total ?? 0;
    return r;
  }

  total(): number {
    return Math.max(0, this.matching);
  }

  async indexOf(line: number): Promise<number> {
    const toLine = Math.max(0, Math.min(this.filter.toLine ?? Number.MAX_SAFE_INTEGER, line - 1));
    const before = await this.engine.request('eventsPage', { doc: this.session, filter: { ...this.filter, toLine }, offset: 0, limit: 0 });
    return before?.total ?? 0;
  }

  /** The URI of the window that starts at match `from` (clamped). */
  uriAt(from: number): vscode.Uri {
    const size = this.windowLines();
    const start = Math.max(0, Math.min(Math.floor(from), Math.max(0, this.total() - size)));
    return vscode.Uri.from({ scheme: FILTER_SCHEME, path: `/${this.label} [${this.description}]`, query: `view=${this.id}&from=${start}&lines=${size}` });
  }

  windowAt(from: number): FilteredView {
    return this.windows(this.uriAt(from));
  }
}

export class FilteredView extends WindowedView {
  readonly contiguous = false;
  /** Source lines (1-based, increasing) of the window, once loaded. */
  private lines: Uint32Array = new Uint32Array(0);
  private loading: Promise<void> | undefined;

  constructor(
    uri: vscode.Uri,
    readonly filtered: FilteredSource,
  ) {
    const q = new URLSearchParams(uri.query);
    super(uri, filtered, Math.max(0, Number(q.get('from') ?? 0) || 0), Math.max(1, Number(q.get('lines') ?? 200_000) || 200_000));
  }

  get parent(): TraceView {
    return this.filtered.parent;
  }

  get filter(): EventFilter {
    return this.filtered.filter;
  }

  get description(): string {
    return this.filtered.description;
  }

  /** Matching events in the whole trace. */
  get matching(): number {
    return this.filtered.total();
  }

  shownCount(): number {
    return this.lines.length;
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

  /** The editor line of the first shown source line at or after `line` (the last one past the end). */
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

  load(): Promise<void> {
    this.loading ??= (async () => {
      await this.ready();
      const page = await this.filtered.engine.request('eventsPage', { doc: this.session, filter: this.filter, offset: this.from, limit: this.size });
      if (page === null) throw new Error(`${this.label} is not a trace: nothing to filter`);
      this.lines = page.line;
    })();
    // A failed load may be tried again.
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  async content(): Promise<string> {
    await this.load();
    const text = await this.filtered.engine.request('linesAt', { doc: this.session, lines: Array.from(this.lines) });
    return text.join('\n');
  }

  /** A line that does not match brings the next match (or the last one). */
  override async bring(line: number): Promise<Shown | undefined> {
    await this.load();
    const shown = await super.bring(line);
    if (shown) return shown;
    const near = this.nearestEditorLine(line);
    return near === undefined ? undefined : { view: this, line: near };
  }
}
