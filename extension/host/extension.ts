/**
 * The extension's entry point: wires the thin adapters around the engine worker. Sessions (SessionStore)
 * are opened for documents (AnalysisController), for files too large for an editor (LargeTraceViews) and
 * shared by filtered views (FilteredViews); TraceViews maps any of those documents to its session and
 * lines; the providers and commands are small steps from a position to a query. Every disposable has one
 * owner: `context.subscriptions`. Commands return values so that tests can check them; `activate`
 * returns the pieces tests inspect.
 */
import * as vscode from 'vscode';
import { AnalysisController } from './analysisController';
import { filterCommand } from './commands/filterCommand';
import { navigationCommands } from './commands/navigationCommands';
import { editorSync, panelCommands } from './commands/panelCommands';
import { onDidChangeConfig, readConfig } from './config';
import { EngineClient } from './engineClient';
import { FilteredViews } from './filteredViews';
import { LanguageSniffer } from './languageSniffer';
import { LargeTraceViews } from './largeTraceViews';
import { HoverProvider } from './providers/hoverProvider';
import { InlayProvider } from './providers/inlayProvider';
import { LensProvider } from './providers/lensProvider';
import { NavigationProvider } from './providers/navigationProvider';
import { OutlineProvider } from './providers/outlineProvider';
import { Prefetcher } from './prefetcher';
import { SessionStore } from './sessionStore';
import { StatusBar } from './statusBar';
import { Timings } from './timings';
import { TraceViews } from './traceViews';
import { ViewDiagnostics } from './viewDiagnostics';

/** Documents the language features serve: traces and kernel logs, whatever their scheme. */
const SELECTOR: vscode.DocumentSelector = [{ language: 'ftrace' }, { language: 'kernel-log' }];

export interface IolensApi {
  readonly views: TraceViews;
  readonly sessions: SessionStore;
  readonly timings: Timings;
}

export function activate(context: vscode.ExtensionContext): IolensApi {
  const engine = new EngineClient(context.extensionPath, () => ({ budgetMB: readConfig().memoryBudgetMB }));
  const sessions = new SessionStore(engine);
  const diagnostics = new ViewDiagnostics();
  const files = new AnalysisController(sessions, diagnostics);
  const large = new LargeTraceViews(sessions, engine, diagnostics);
  const filtered = new FilteredViews(engine, diagnostics);
  const views = new TraceViews(files, large, filtered);
  const timings = new Timings();
  const prefetcher = new Prefetcher(sessions, diagnostics);
  const sniffer = new LanguageSniffer((doc) => files.maybeAnalyze(doc));
  const statusBar = new StatusBar(views, sessions);

  const outline = new OutlineProvider(views, engine);
  const lenses = new LensProvider(views, engine, sessions);
  const inlays = new InlayProvider(views, engine);
  const navigation = new NavigationProvider(views, engine);
  const refresh = (): void => {
    outline.refresh();
    lenses.refresh();
    inlays.refresh();
  };

  context.subscriptions.push(
    engine,
    sessions,
    diagnostics,
    files,
    large,
    filtered,
    sniffer,
    prefetcher,
    statusBar,
    vscode.languages.registerHoverProvider(SELECTOR, new HoverProvider(views, engine, timings)),
    vscode.languages.registerDefinitionProvider(SELECTOR, navigation),
    vscode.languages.registerReferenceProvider(SELECTOR, navigation),
    vscode.languages.registerDocumentHighlightProvider(SELECTOR, navigation),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, outline, { label: 'iolens' }),
    vscode.languages.registerFoldingRangeProvider(SELECTOR, outline),
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    vscode.languages.registerInlayHintsProvider(SELECTOR, inlays),
    sessions.onDidOpen(() => {
      refresh();
      statusBar.update();
    }),
    large.onDidLoadWindow(() => {
      refresh();
      statusBar.update();
    }),
    filtered.onDidLoadWindow(() => {
      refresh();
      statusBar.update();
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      setContext(views);
      statusBar.update();
    }),
    // A language set after the editor opened (a sniffed kernel log): VS Code reopens the document.
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) {
        setContext(views, doc);
        statusBar.update();
      }
    }),
    onDidChangeConfig(() => {
      refresh();
      for (const doc of vscode.workspace.textDocuments) {
        const v = views.get(doc);
        if (v) void diagnostics.publish(v, doc).catch(() => undefined);
      }
    }),
    ...panelCommands({ views, engine, extensionUri: context.extensionUri }),
    editorSync(views),
    ...navigationCommands({ views, engine, timings }),
    filterCommand(views, engine),
  );
  setContext(views);
  return { views, sessions, timings };
}

/**
 * `iolens.viewKind` for `when` clauses: trace, kernel-log, large or filtered (unset elsewhere), from the active
 * editor's document or the document that just replaced it (a language change reopens it).
 */
function setContext(views: TraceViews, reopened?: vscode.TextDocument): void {
  const doc = reopened ?? vscode.window.activeTextEditor?.document;
  const view = doc ? views.get(doc) : undefined;
  let kind: string | undefined;
  if (view && doc) {
    if (doc.uri.scheme === 'iolens-trace') kind = 'large';
    else if (doc.uri.scheme === 'iolens-filter') kind = 'filtered';
    else kind = doc.languageId;
  }
  void vscode.commands.executeCommand('setContext', 'iolens.viewKind', kind);
  void vscode.commands.executeCommand('setContext', 'iolens.isTrace', kind !== undefined && kind !== 'kernel-log' && doc?.languageId !== 'kernel-log');
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
