/**
 * The engine worker: runs ingest and analyses off the extension host's thread, one request at a time
 * per message, with cancellation. Imports nothing from vscode.
 */
import { parentPort } from 'node:worker_threads';
import { analyzeBytes, analyzeFiles, assemble } from '../engine/analyze';
import { IngestError } from '../engine/ingest/ingestFile';
import type { FromWorkerMessage, ToWorkerMessage } from '../protocol/engineProtocol';

const port = parentPort;
if (port === null) throw new Error('engineWorker must run in a worker thread');
const running = new Map<number, AbortController>();

function send(msg: FromWorkerMessage): void {
  port!.postMessage(msg);
}

port.on('message', (msg: ToWorkerMessage) => {
  switch (msg.type) {
    case 'cancel':
      running.get(msg.id)?.abort();
      return;
    case 'analyzeFile': {
      const ac = new AbortController();
      running.set(msg.id, ac);
      let lastProgress = 0;
      analyzeFiles([msg.path, ...(msg.companions ?? [])], {
        signal: ac.signal,
        onProgress: (_f, bytesRead, totalBytes) => {
          const now = Date.now();
          if (now - lastProgress < 200 && bytesRead < totalBytes) return;
          lastProgress = now;
          send({ type: 'progress', inReplyTo: msg.id, bytesRead, totalBytes });
        },
      })
        .then(({ report }) => send({ type: 'report', inReplyTo: msg.id, report }))
        .catch((err: unknown) => send({ type: 'error', inReplyTo: msg.id, message: errorText(err) }))
        .finally(() => running.delete(msg.id));
      return;
    }
    case 'analyzeBytes': {
      try {
        send({ type: 'report', inReplyTo: msg.id, report: assemble([analyzeBytes(msg.path, msg.bytes)]).report });
      } catch (err) {
        send({ type: 'error', inReplyTo: msg.id, message: errorText(err) });
      }
      return;
    }
    default: {
      const never: never = msg;
      void never;
    }
  }
});

function errorText(err: unknown): string {
  if (err instanceof IngestError) return err.message;
  return `internal error: ${err instanceof Error ? err.message : String(err)}`;
}
