/**
 * The engine worker thread: runs the EngineService (sessions of retained models, queries) off the
 * extension host's thread. Messages travel on the shared envelope (protocol/envelope.ts); each request is
 * answered by one reply, `cancel` aborts a running request, long analyses report progress. Imports
 * nothing from vscode.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IngestError } from '../engine/input/ingestError';
import type { EngineMethods, FromWorkerMessage, ToWorkerMessage } from '../protocol/engineProtocol';
import { isEnvelope, type ReplyMessage } from '../protocol/envelope';
import { EngineService } from './engineService';

const port = parentPort;
if (port === null) throw new Error('engineWorker must run in a worker thread');
const options = (workerData ?? {}) as { budgetMB?: number; disposeDelayMs?: number };
const service = new EngineService({
  ...(options.budgetMB !== undefined ? { budgetBytes: options.budgetMB * 1024 * 1024 } : {}),
  ...(options.disposeDelayMs !== undefined ? { disposeDelayMs: options.disposeDelayMs } : {}),
});
const running = new Map<number, AbortController>();

function send(msg: FromWorkerMessage): void {
  port!.postMessage(msg);
}

port.on('message', (raw: unknown) => {
  if (!isEnvelope(raw)) return;
  const msg = raw as ToWorkerMessage;
  if (msg.kind === 'notify') {
    if (msg.method === 'cancel') running.get(msg.params.id)?.abort();
    return;
  }
  const ac = new AbortController();
  running.set(msg.id, ac);
  let last = 0;
  const progress = (bytesRead: number, totalBytes: number): void => {
    const now = Date.now();
    if (now - last < 200 && bytesRead < totalBytes) return;
    last = now;
    send({ kind: 'notify', method: 'progress', params: { id: msg.id, bytesRead, totalBytes } });
  };
  service
    .handle(msg.method as keyof EngineMethods, msg.params as never, ac.signal, progress)
    .then(
      (result) => send({ kind: 'reply', id: msg.id, ok: true, result } satisfies ReplyMessage),
      (err: unknown) => send({ kind: 'reply', id: msg.id, ok: false, error: errorText(err) } satisfies ReplyMessage),
    )
    .finally(() => running.delete(msg.id));
});

function errorText(err: unknown): string {
  if (err instanceof IngestError) return err.message;
  if (err instanceof Error) return err.message.startsWith('internal error') ? err.message : err.message;
  return `internal error: ${String(err)}`;
}
