/**
 * EngineClient: the extension host's handle on the engine worker. Sends typed requests, matches the
 * replies by id, forwards progress, and cancels on a CancellationToken. Owns the worker and disposes it.
 */
import type { AnalysisReport } from '../engine/contracts/report';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { FromWorkerMessage, ToWorkerMessage } from '../protocol/engineProtocol';

interface Pending {
  resolve(report: AnalysisReport): void;
  reject(err: Error): void;
  progress?: (read: number, total: number) => void;
}

export class EngineClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly extensionPath: string) {}

  analyzeFile(fsPath: string, token?: vscode.CancellationToken, progress?: (read: number, total: number) => void, companions: readonly string[] = []): Promise<AnalysisReport> {
    return this.request((id) => ({ type: 'analyzeFile', id, path: fsPath, ...(companions.length > 0 ? { companions } : {}) }), token, progress);
  }

  analyzeText(name: string, text: string, token?: vscode.CancellationToken): Promise<AnalysisReport> {
    return this.request((id) => ({ type: 'analyzeBytes', id, path: name, bytes: Buffer.from(text, 'utf8') }), token);
  }

  private request(
    make: (id: number) => ToWorkerMessage,
    token?: vscode.CancellationToken,
    progress?: (read: number, total: number) => void,
  ): Promise<AnalysisReport> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<AnalysisReport>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, ...(progress ? { progress } : {}) });
      token?.onCancellationRequested(() => worker.postMessage({ type: 'cancel', id } satisfies ToWorkerMessage));
      worker.postMessage(make(id));
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.join(this.extensionPath, 'dist', 'engineWorker.js'));
    worker.on('message', (msg: FromWorkerMessage) => {
      const p = this.pending.get(msg.inReplyTo);
      if (!p) return;
      switch (msg.type) {
        case 'progress':
          p.progress?.(msg.bytesRead, msg.totalBytes);
          return;
        case 'report':
          this.pending.delete(msg.inReplyTo);
          p.resolve(msg.report);
          return;
        case 'error':
          this.pending.delete(msg.inReplyTo);
          p.reject(new Error(msg.message));
          return;
      }
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
