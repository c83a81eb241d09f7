/**
 * The commands that move through a trace: Next / Previous Finding (all kinds, or the kind chosen with Next
 * Finding of Kind…), Go to Line / Time / Finding anywhere in a file (a large-trace window moves), the
 * next and previous window of a large-trace or filtered view, Open in Source (from a filtered view to the
 * same line of the trace), Open Large Trace, and `iolens.revealLine` (the target of hover links).
 */
import * as vscode from 'vscode';
import { readConfig } from '../config';
import type { EngineClient } from '../engineClient';
import { FilteredView } from '../filteredView';
import type { Timings } from '../timings';
import type { TraceViews } from '../traceViews';
import { WindowedView } from '../windowedView';
import { commandTarget, NoTarget, targetLine, type CommandTarget } from './commandTarget';
import { registerCommand } from './registerCommand';

export interface NavigationCommandDeps {
  readonly views: TraceViews;
  readonly engine: EngineClient;
  readonly timings: Timings;
}

export function navigationCommands(deps: NavigationCommandDeps): vscode.Disposable[] {
  /** The finding kind Next/Previous Finding walk, per session (all kinds when absent). */
  const kindOf = new Map<string, string>();

  const walk = async (dir: 1 | -1, target: CommandTarget, kind: string | undefined): Promise<{ line: number; kind: string; message: string } | undefined> => {
    await target.view.ready();
    const from = targetLine(target, undefined) ?? (dir === 1 ? 0 : Number.MAX_SAFE_INTEGER);
    const next = await deps.engine.request('nextFinding', { doc: target.view.session, line: from, dir, ...(kind !== undefined ? { kind } : {}) });
    if (next === null) {
      void vscode.window.showInformationMessage(`iolens: no ${kind !== undefined ? `${kind} ` : ''}findings in ${target.view.label}.`);
      return undefined;
    }
    await deps.views.reveal(target.view, next.finding.line);
    return { line: next.finding.line, kind: next.finding.kind, message: next.finding.message };
  };

  const kindArg = (a: unknown): string | undefined => (typeof a === 'object' && a !== null && !(a instanceof vscode.Uri) && typeof (a as { kind?: unknown }).kind === 'string' ? (a as { kind: string }).kind : undefined);
  /** Next / Previous Finding: `(uri?, { kind }?)` or `({ kind })`. */
  const step = async (dir: 1 | -1, arg: unknown, options: unknown): Promise<{ line: number; kind: string; message: string } | undefined> => {
    const target = await commandTarget(deps.views, kindArg(arg) !== undefined ? undefined : arg);
    return walk(dir, target, kindArg(options) ?? kindArg(arg) ?? kindOf.get(target.view.session));
  };

  return [
    registerCommand('iolens.nextFinding', (arg?: unknown, options?: unknown) => step(1, arg, options)),
    registerCommand('iolens.previousFinding', (arg?: unknown, options?: unknown) => step(-1, arg, options)),
    registerCommand('iolens.nextFindingOfKind', async (arg?: unknown, kindGiven?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      const view = target.view;
      const { report } = await view.ready();
      const counts = new Map<string, number>();
      for (const f of report.findings) if (f.file === view.sourceFile) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
      let kind: string | undefined = typeof kindGiven === 'string' ? kindGiven : undefined;
      if (kind === undefined) {
        if (counts.size === 0) throw new NoTarget(`no findings in ${view.label}.`);
        const items = [{ label: 'All kinds', findingKind: '', description: `${report.findings.length}` }, ...[...counts].map(([k, n]) => ({ label: k, findingKind: k, description: `${n}` }))];
        const pick = await vscode.window.showQuickPick(items, { title: 'iolens: walk findings of which kind (Next / Previous Finding)?' });
        if (!pick) return undefined;
        kind = pick.findingKind;
      }
      if (kind === '') kindOf.delete(view.session);
      else kindOf.set(view.session, kind);
      return walk(1, target, kind === '' ? undefined : kind);
    }),

    registerCommand('iolens.revealLine', async (uriArg?: unknown, lineArg?: unknown, fileArg?: unknown) => {
      const line = typeof lineArg === 'number' && Number.isInteger(lineArg) && lineArg > 0 ? lineArg : undefined;
      if (line === undefined) return undefined;
      if (typeof fileArg === 'string') {
        await deps.views.revealFile(fileArg, line);
        return { line };
      }
      const { view } = await commandTarget(deps.views, uriArg);
      await deps.views.reveal(view, line);
      return { line };
    }),

    registerCommand('iolens.openInSource', async (arg?: unknown, lineArg?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      if (!(target.view instanceof FilteredView)) throw new NoTarget('Open in Source works from a filtered view.');
      const line = targetLine(target, lineArg) ?? target.view.shownRange().first;
      const parent = target.view.parent;
      const editor = await deps.views.reveal(parent, line, vscode.ViewColumn.One);
      return { line, uri: editor?.document.uri.toString() };
    }),

    registerCommand('iolens.goToLine', async (arg?: unknown, lineArg?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      const { lines } = await target.view.ready();
      let line = typeof lineArg === 'number' ? lineArg : undefined;
      if (line === undefined) {
        const text = await vscode.window.showInputBox({
          title: `iolens: go to a line of ${target.view.label}`,
          prompt: `1 to ${lines.toLocaleString('en-US')}`,
          validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= lines ? undefined : `a line number from 1 to ${lines}`),
        });
        if (text === undefined) return undefined;
        line = Number(text.trim());
      }
      const t0 = performance.now();
      await deps.views.reveal(target.view, Math.max(1, Math.min(lines, Math.floor(line))));
      deps.timings.add('goToLine', performance.now() - t0);
      return { line };
    }),

    registerCommand('iolens.goToTime', async (arg?: unknown, secondsArg?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      const { report } = await target.view.ready();
      const file = report.files[0];
      let seconds = typeof secondsArg === 'number' ? secondsArg : undefined;
      if (seconds === undefined) {
        const first = file?.firstTimestamp !== null && file?.firstTimestamp !== undefined ? file.firstTimestamp / 1e9 : undefined;
        const last = file?.lastTimestamp !== null && file?.lastTimestamp !== undefined ? file.lastTimestamp / 1e9 : undefined;
        const text = await vscode.window.showInputBox({
          title: `iolens: go to a time of ${target.view.label}`,
          prompt: first !== undefined && last !== undefined ? `seconds, ${first.toFixed(6)} to ${last.toFixed(6)} (or +N from the start)` : 'seconds (or +N from the start)',
          validateInput: (v) => (/^\+?\d+(\.\d+)?$/.test(v.trim()) ? undefined : 'a time in seconds, e.g. 1110.825639 or +2.5'),
        });
        if (text === undefined) return undefined;
        const v = text.trim();
        seconds = v.startsWith('+') ? (first ?? 0) + Number(v.slice(1)) : Number(v);
      }
      const line = await deps.engine.request('lineAtTime', { doc: target.view.session, seconds });
      if (line === null) throw new NoTarget(`no event at or after ${seconds} s in ${target.view.label}.`);
      await deps.views.reveal(target.view, line);
      return { line, seconds };
    }),

    registerCommand('iolens.goToFinding', async (arg?: unknown, indexArg?: unknown) => {
      const target = await commandTarget(deps.views, arg);
      const { report } = await target.view.ready();
      const hidden = readConfig().hiddenKinds;
      const mine = report.findings.map((f, index) => ({ f, index })).filter(({ f }) => !hidden.has(f.kind));
      let pick: { f: (typeof report.findings)[number]; index: number } | undefined;
      if (typeof indexArg === 'number') pick = mine.find((m) => m.index === indexArg);
      else {
        if (mine.length === 0) throw new NoTarget(`no findings in ${target.view.label}.`);
        const chosen = await vscode.window.showQuickPick(
          mine.slice(0, 5000).map((m) => ({ label: `$(${m.f.severity === 'error' ? 'error' : m.f.severity === 'warning' ? 'warning' : 'info'}) ${m.f.kind}`, description: `line ${m.f.line}`, detail: m.f.message, m })),
          { title: `iolens: findings of ${target.view.label}`, matchOnDetail: true },
        );
        pick = chosen?.m;
      }
      if (!pick) return undefined;
      if (pick.f.file === target.view.sourceFile) await deps.views.reveal(target.view, pick.f.line);
      else await deps.views.revealFile(pick.f.file, pick.f.line);
      return { index: pick.index, line: pick.f.line, kind: pick.f.kind };
    }),

    registerCommand('iolens.nextWindow', async (arg?: unknown) => windowMove(deps, arg, 1)),
    registerCommand('iolens.previousWindow', async (arg?: unknown) => windowMove(deps, arg, -1)),

    registerCommand('iolens.openLargeTrace', async (arg?: unknown, lineArg?: unknown) => {
      let file: string | undefined;
      if (arg instanceof vscode.Uri) file = arg.fsPath;
      else if (typeof arg === 'string' && arg.length > 0) file = arg.startsWith('file:') ? vscode.Uri.parse(arg).fsPath : arg;
      if (file === undefined) {
        const picked = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'iolens: open a large trace, a kernel log or a trace-cmd trace.dat', openLabel: 'Open in iolens' });
        if (!picked || picked.length === 0) return undefined;
        file = picked[0]!.fsPath;
      }
      const t0 = performance.now();
      const { view, editor } = await deps.views.large.open(file, typeof lineArg === 'number' ? lineArg : undefined);
      deps.timings.add('openLarge', performance.now() - t0);
      const w = view.window();
      return { uri: view.uri.toString(), lines: w.total, from: w.from + 1, shown: w.count, editorLines: editor.document.lineCount };
    }),

    registerCommand('iolens.debug.timings', () => deps.timings.summary()),
  ];
}

async function windowMove(deps: NavigationCommandDeps, arg: unknown, dir: 1 | -1): Promise<{ from: number; count: number; total: number }> {
  const target = await commandTarget(deps.views, arg);
  const view = target.view;
  if (!(view instanceof WindowedView)) throw new NoTarget('the whole file is shown already.');
  await view.ready();
  const next = view.neighbour(dir);
  if (next.uri.toString() === view.uri.toString()) {
    const w = view.window();
    return { from: w.from + 1, count: w.count, total: w.total };
  }
  const t0 = performance.now();
  await next.load();
  // The cursor goes to the window's first line (next) or last line (previous): where the reading continues.
  await deps.views.showWindow(next, dir === 1 ? 0 : Math.max(0, next.shownCount() - 1), deps.views.editorOf(view)?.viewColumn, view);
  deps.timings.add('moveWindow', performance.now() - t0);
  const w = next.window();
  return { from: w.from + 1, count: w.count, total: w.total };
}
