/**
 * SessionStore: the host's record of the engine sessions it opened. A session is an analysed source (a
 * document's text, or a file on disk too large for an editor document) retained by the engine worker under
 * a key, with the report of its analysis. `open` starts (or reuses) the analysis of one version of a
 * source, `close` releases it; a newer version supersedes and cancels the older one. A restarted worker
 * (a new generation) has no sessions: `open` then analyses again.
 */
import * as vscode from 'vscode';
import type { AnalysisReport } from '../engine/contracts/report';
import type { DocRef, OpenResult } from '../protocol/engineProtocol';
import type { EngineClient } from './engineClient';

interface Known {
  readonly version: number;
  readonly generation: number;
  result: Promise<OpenResult>;
  readonly cancel: vscode.CancellationTokenSource;
  done: OpenResult | undefined;
}

/** How an analysis shows its progress. */
export type ProgressStyle = 'window' | 'notification';

export class SessionStore implements vscode.Disposable {
  private readonly known = new Map<string, Known>();
  private readonly opened = new vscode.EventEmitter<string>();
  /** Fires with a session key when its analysis finished. */
  readonly onDidOpen = this.opened.event;

  constructor(readonly engine: EngineClient) {}

  /**
   * The analysis of `ref` (and its companions), started if this version is not open yet. The notification
   * style shows a cancellable progress notification (Analyze Trace, large files).
   */
  open(ref: DocRef, companions: readonly DocRef[] = [], style: ProgressStyle = 'window', token?: vscode.CancellationToken): Promise<OpenResult> {
    const k = this.known.get(ref.key);
    if (k && k.version === ref.version && k.generation === this.engine.generation) return k.result;
    k?.cancel.cancel();
    const cancel = new vscode.CancellationTokenSource();
    token?.onCancellationRequested(() => cancel.cancel());
    const entry: Known = { version: ref.version, generation: this.engine.generation, cancel, result: undefined as unknown as Promise<OpenResult>, done: undefined };
    entry.result = this.run(ref, companions, style, cancel).then(
      (r) => {
        entry.done = r;
        this.opened.fire(ref.key);
        return r;
      },
      (err: unknown) => {
        // A failed or cancelled analysis is forgotten, so the next request tries again.
        if (this.known.get(ref.key) === entry) this.known.delete(ref.key);
        throw err;
      },
    );
    this.known.set(ref.key, entry);
    return entry.result;
  }

  /** The running or finished analysis of a session, without starting one. */
  peek(key: string): Promise<OpenResult> | undefined {
    const k = this.known.get(key);
    return k && k.generation === this.engine.generation ? k.result : undefined;
  }

  /** The finished result of a session, if any (synchronous). */
  current(key: string): OpenResult | undefined {
    const k = this.known.get(key);
    return k && k.generation === this.engine.generation ? k.done : undefined;
  }

  /** The report of a finished session. */
  report(key: string): AnalysisReport | undefined {
    return this.current(key)?.report;
  }

  /** Releases a session in the engine. */
  close(key: string): void {
    const k = this.known.get(key);
    if (!k) return;
    k.cancel.cancel();
    this.known.delete(key);
    void this.engine.request('close', { doc: key }).catch(() => undefined);
  }

  private run(ref: DocRef, companions: readonly DocRef[], style: ProgressStyle, cancel: vscode.CancellationTokenSource): Promise<OpenResult> {
    const name = ref.path !== undefined ? vscode.workspace.asRelativePath(ref.path) : ref.name;
    const location = style === 'notification' ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
    return Promise.resolve(
      vscode.window.withProgress({ location, title: `iolens: analysing ${name}`, cancellable: style === 'notification' }, (progress, token) => {
        token.onCancellationRequested(() => cancel.cancel());
        let last = 0;
        return this.engine.request('open', { doc: ref, companions }, cancel.token, (read, total) => {
          const pct = total > 0 ? Math.floor((read / total) * 100) : 0;
          if (pct > last) {
            progress.report({ increment: pct - last, message: `${pct}%` });
            last = pct;
          }
        });
      }),
    );
  }

  dispose(): void {
    for (const k of this.known.values()) k.cancel.cancel();
    this.known.clear();
    this.opened.dispose();
  }
}
