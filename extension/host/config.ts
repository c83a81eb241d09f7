/**
 * config: the one typed reading of the `iolens.*` settings. Adapters call `readConfig()` when they need a
 * value (so a change applies without a reload) instead of reading the configuration themselves, and
 * listen to `onDidChangeConfig` to refresh what they show.
 */
import * as vscode from 'vscode';

export interface IolensConfig {
  /** Detect traces and kernel logs in .txt/.log files by content. */
  readonly sniffEnabled: boolean;
  /** Diagnostics shown per file at most. */
  readonly maxDiagnostics: number;
  /** Memory the engine worker's retained models may use (MB) before the least recently used are dropped. */
  readonly memoryBudgetMB: number;
  /** Files above this size (bytes) open in the paged large-trace view. */
  readonly largeFileBytes: number;
  /** Lines of a large-trace or filtered view shown at once. */
  readonly windowLines: number;
  readonly codeLensEnabled: boolean;
  readonly inlayHintsEnabled: boolean;
  readonly hoverEnabled: boolean;
  /** Finding kinds not shown as diagnostics, CodeLenses or in hovers. */
  readonly hiddenKinds: ReadonlySet<string>;
}

export function readConfig(): IolensConfig {
  const c = vscode.workspace.getConfiguration('iolens');
  const hidden = c.get<unknown>('findings.hiddenKinds', []);
  return {
    sniffEnabled: c.get<boolean>('sniff.enabled', true),
    maxDiagnostics: Math.max(0, c.get<number>('diagnostics.maxPerFile', 1000)),
    memoryBudgetMB: Math.max(64, c.get<number>('memory.budgetMB', 1024)),
    largeFileBytes: Math.max(1, c.get<number>('largeFile.thresholdMB', 50)) * 1024 * 1024,
    windowLines: Math.min(1_000_000, Math.max(1000, Math.floor(c.get<number>('largeFile.windowLines', 200_000)))),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    inlayHintsEnabled: c.get<boolean>('inlayHints.enabled', true),
    hoverEnabled: c.get<boolean>('hover.enabled', true),
    hiddenKinds: new Set(Array.isArray(hidden) ? hidden.filter((k): k is string => typeof k === 'string') : []),
  };
}

/** Fires when an `iolens.*` setting changes. */
export function onDidChangeConfig(listener: () => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('iolens')) listener();
  });
}
