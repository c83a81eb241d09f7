/**
 * OutlineProvider: document symbols (Outline, breadcrumbs, Go to Symbol) and folding ranges from the
 * session's outline and folding queries. Traces: findings grouped by kind, devices, tasks and CPUs (each
 * item on the line where it first appears, so breadcrumbs never claim a line for a task that is not on
 * it), and the preamble. Kernel logs: each task report (`comm:pid D` and its culprit frame) and each dump
 * region over its lines, so breadcrumbs and sticky scroll show the report the cursor is in. Folding of a
 * trace always answers (an empty list at worst): VS Code then never folds a trace by indentation.
 */
import * as vscode from 'vscode';
import type { OutlineItem } from '../../engine/contracts/query';
import type { EngineClient } from '../engineClient';
import type { TraceView } from '../traceView';
import type { TraceViews } from '../traceViews';

const SYMBOL_KIND: Record<string, vscode.SymbolKind> = {
  findings: vscode.SymbolKind.Namespace,
  finding: vscode.SymbolKind.Event,
  devices: vscode.SymbolKind.Package,
  device: vscode.SymbolKind.Module,
  tasks: vscode.SymbolKind.Namespace,
  task: vscode.SymbolKind.Object,
  cpus: vscode.SymbolKind.Namespace,
  cpu: vscode.SymbolKind.Number,
  report: vscode.SymbolKind.Function,
  region: vscode.SymbolKind.Struct,
  preamble: vscode.SymbolKind.File,
};

/** Kinds whose item spans its lines (a report, a dump region, the preamble); the others mark one line. */
const SPANNING = new Set(['report', 'region', 'preamble']);

export class OutlineProvider implements vscode.DocumentSymbolProvider, vscode.FoldingRangeProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeFoldingRanges = this.changed.event;

  constructor(
    private readonly views: TraceViews,
    private readonly engine: EngineClient,
  ) {}

  /** Asks VS Code for the folding ranges again (an analysis finished, a window moved). */
  refresh(): void {
    this.changed.fire();
  }

  async provideDocumentSymbols(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.DocumentSymbol[]> {
    const view = this.views.get(doc);
    if (!view) return [];
    await view.ready();
    const items = await this.engine.request('outline', { doc: view.session }, token);
    return items.map((i) => this.symbol(i, view, doc)).filter((s): s is vscode.DocumentSymbol => s !== undefined);
  }

  async provideFoldingRanges(doc: vscode.TextDocument, _ctx: vscode.FoldingContext, token: vscode.CancellationToken): Promise<vscode.FoldingRange[]> {
    const view = this.views.get(doc);
    if (!view || !view.contiguous) return [];
    try {
      await view.ready();
      const ranges = await this.engine.request('folding', { doc: view.session }, token);
      const out: vscode.FoldingRange[] = [];
      for (const r of ranges) {
        const start = view.toEditor(r.start);
        const end = view.toEditor(r.end);
        if (start === undefined || end === undefined || end <= start) continue;
        out.push(new vscode.FoldingRange(start, end, r.kind === 'comment' ? vscode.FoldingRangeKind.Comment : vscode.FoldingRangeKind.Region));
      }
      return out;
    } catch {
      return [];
    }
  }

  private symbol(item: OutlineItem, view: TraceView, doc: vscode.TextDocument): vscode.DocumentSymbol | undefined {
    const children = item.children.map((c) => this.symbol(c, view, doc)).filter((s): s is vscode.DocumentSymbol => s !== undefined);
    let start = view.toEditor(item.line);
    let end = SPANNING.has(item.kind) ? (view.toEditor(item.endLine) ?? (start !== undefined ? lastShownBefore(view, item.endLine, doc) : undefined)) : start;
    if (start === undefined) {
      // A group whose first line is not shown (a window): it starts at its first shown child.
      if (children.length === 0) return undefined;
      start = Math.min(...children.map((c) => c.selectionRange.start.line));
      end = start;
    }
    if (end === undefined || end < start) end = start;
    const range = new vscode.Range(start, 0, end, doc.lineAt(Math.min(end, doc.lineCount - 1)).range.end.character);
    const name = item.name.trim() === '' ? '(unnamed)' : item.name;
    const s = new vscode.DocumentSymbol(name, item.detail, SYMBOL_KIND[item.kind] ?? vscode.SymbolKind.Field, range, new vscode.Range(start, 0, start, 0));
    s.children = children;
    return s;
  }
}

/** The last editor line of a contiguous view at or before source line `line` (a span cut by a window). */
function lastShownBefore(view: TraceView, line: number, doc: vscode.TextDocument): number | undefined {
  if (!view.contiguous) return undefined;
  const { last } = view.shownRange();
  return line > last ? doc.lineCount - 1 : undefined;
}
