/**
 * config: the one typed reading of the `iolens.*` settings. Adapters call `readConfig()` when they need a
 * value (so a change applies without a reload) instead of reading the configuration themselves.
 */
import * as vscode from 'vscode';

export interface IolensConfig {
  /** Detect traces and kernel logs in .txt/.log files by content. */
  readonly sniffEnabled: boolean;
  /** Diagnostics shown per file at most. */
  readonly maxDiagnostics: number;
  /** Memory the engine worker's retained models may use (MB) before the least recently used are dropped. */
  readonly memoryBudgetMB: number;
}

export function readConfig(): IolensConfig {
  const c = vscode.workspace.getConfiguration('iolens');
  return {
    sniffEnabled: c.get<boolean>('sniff.enabled', true),
    maxDiagnostics: Math.max(0, c.get<number>('diagnostics.maxPerFile', 1000)),
    memoryBudgetMB: Math.max(64, c.get<number>('memory.budgetMB', 1024)),
  };
}
