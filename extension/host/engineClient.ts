/**
 * EngineClient: the extension host's handle on the engine worker. Sends typed requests on the shared
 * envelope, matches replies by id, forwards progress, and cancels on a CancellationToken. Owns the worker
 * and disposes it; restarts it when it died (the next request starts a new one, the sessions of the old
 * one are gone, so callers reopen their documents on an error).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { EngineMethods, FromWorkerMessage, ToWorkerMessage } from '../protocol/engineProtocol';
import type { ParamsOf, ResultOf } from '../protocol/envelope';

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
  progress?: (read: number, total: number) => void;
}

export interface WorkerOptions {
  readonly budgetMB: number;
}

export class EngineClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Bumps when a new worker starts: documents opened in an older one must be opened again. */
  generation = 0;

  constructor(
    private readonly extensionPath: string,
    private readonly options: () => WorkerOptions,
  ) {}

  /** Sends one request; rejects with the worker's one-line message on failure. */
  request<M extends keyof EngineMethods & string>(method: M, params: ParamsOf<EngineMethods, M>, token?: vscode.CancellationToken, progress?: (read: number, total: number) => void): Promise<ResultOf<EngineMethods, M>> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<ResultOf<EngineMethods, M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject, ...(progress ? { progress } : {}) });
      token?.onCancellationRequested(() => worker.postMessage({ kind: 'notify', method: 'cancel', params: { id } } satisfies ToWorkerMessage));
      worker.postMessage({ kind: 'request', id, method, params } as ToWorkerMessage);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'engineWorker.js'), { workerData: { budgetMB: this.options().budgetMB } });
    this.generation++;
    worker.on('message', (msg: FromWorkerMessage) => {
      if (msg.kind === 'notify') {
        if (msg.method === 'progress') this.pending.get(msg.params.id)?.progress?.(msg.params.bytesRead, msg.params.totalBytes);
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else p.reject(new Error(msg.error));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (code !== 0) this.failAll(new Error(`iolens engine stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  dispose(): void {
    this.failAll(new Error('iolens is shutting down'));
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
