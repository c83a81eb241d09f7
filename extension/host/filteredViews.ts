/**
 * FilteredViews: the `iolens-filter` windows, and opening them. Each filter gets its own documents
 * (`<trace> [<filter>]` in the title); several can be open over one trace, all on the trace's session.
 */
import * as vscode from 'vscode';
import type { EventFilter } from '../engine/contracts/query';
import { readConfig } from './config';
import { windowLinesFor } from './windowSize';
import type { EngineClient } from './engineClient';
import { describeFilter } from './filterText';
import { FILTER_SCHEME, FilteredSource, FilteredView } from './filteredView';
import type { TraceView } from './traceView';
import type { ViewDiagnostics } from './viewDiagnostics';
import { WindowDocuments } from './windowDocuments';

export class FilteredViews extends WindowDocuments<FilteredView> {
  private readonly sources = new Map<number, FilteredSource>();
  private next = 1;

  constructor(
    private readonly engine: EngineClient,
    diagnostics: ViewDiagnostics,
  ) {
    super(FILTER_SCHEME, diagnostics);
  }

  protected create(uri: vscode.Uri): FilteredView | undefined {
    const id = Number(new URLSearchParams(uri.query).get('view'));
    const source = this.sources.get(id);
    return source ? new FilteredView(uri, source) : undefined;
  }

  protected onClosed(view: FilteredView): void {
    const source = view.filtered;
    if (!this.anyOpen((v) => v.filtered === source)) this.sources.delete(source.id);
  }

  /** Opens the events of `parent`'s trace that match `filter` in a new filtered view beside it. */
  async open(parent: TraceView, filter: EventFilter, languageId: string): Promise<{ view: FilteredView; editor: vscode.TextEditor }> {
    const id = this.next++;
    const source = new FilteredSource(id, parent, filter, describeFilter(filter), languageId, this.engine, () => windowLinesFor(parent.sourceFile, readConfig().windowLines), (uri) => this.get(uri)!);
    this.sources.set(id, source);
    await source.ready();
    const view = source.windowAt(0);
    await view.load();
    const editor = await this.show(view, 0, vscode.ViewColumn.Beside);
    return { view, editor };
  }
}
