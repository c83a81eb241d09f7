/**
 * The slice worker: a SliceParser in a worker thread. Receives slices of complete lines (transferred
 * buffers) and answers each with its EventBatch (typed arrays transferred back). Imports nothing from
 * vscode; bundled as dist/sliceWorker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { batchBuffers } from './eventBatch';
import { SliceParser, type SliceParserOptions } from './sliceParser';
import type { SliceRequest, SliceReply } from './workerPool';

const port = parentPort;
if (port === null) throw new Error('sliceWorker must run in a worker thread');
const parser = new SliceParser((workerData as SliceParserOptions | undefined) ?? {});

port.postMessage({ seq: -1 } satisfies SliceReply);

port.on('message', (msg: SliceRequest | { readonly recycle: ArrayBuffer[] }) => {
  if ('recycle' in msg) {
    parser.recycle(msg.recycle);
    return;
  }
  try {
    const bytes = Buffer.from(msg.buffer, msg.byteOffset, msg.length);
    const batch = parser.parse(msg.seq, bytes, 0, msg.length, msg.unterminatedLast);
    const reply: SliceReply = { seq: msg.seq, batch, buffer: msg.buffer };
    port.postMessage(reply, [...batchBuffers(batch), msg.buffer]);
  } catch (err) {
    const reply: SliceReply = { seq: msg.seq, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    port.postMessage(reply);
  }
});
