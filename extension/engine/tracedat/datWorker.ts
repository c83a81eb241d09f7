/**
 * The trace.dat reader thread: opens the file again (refusing it when its size or mtime are no longer what the
 * main thread saw), reads its metadata, and sends the DatBatchReader's batches to the main thread (typed
 * arrays transferred), at most DAT_BATCHES_AHEAD ahead of the merge: each ack returns a batch's column
 * buffers for reuse and allows one more. Bundled as dist/datWorker.js.
 */
import { parentPort } from 'node:worker_threads';
import { batchBuffers } from '../ingest/eventBatch';
import { FileSource } from '../input/byteSource';
import { IngestError } from '../input/ingestError';
import { DatBatchReader } from './datBatchReader';
import { DatError } from './datError';
import { recordsPerMark } from './datMarks';
import { readDatMeta, type ReadAt } from './datMeta';
import { DAT_BATCHES_AHEAD, type DatWorkerReply, type DatWorkerRequest } from './datWorkerProtocol';
import { prepareCodec } from './decompress';

const port = parentPort;
if (port === null) throw new Error('datWorker must run in a worker thread');

let reader: DatBatchReader | undefined;
let credit = DAT_BATCHES_AHEAD;
let wake: (() => void) | undefined;

port.on('message', (msg: DatWorkerRequest) => {
  if (msg.kind === 'ack') {
    reader?.recycle(msg.buffers);
    credit++;
    wake?.();
    wake = undefined;
    return;
  }
  void run(msg).catch((err: unknown) => {
    const user = err instanceof DatError || err instanceof IngestError;
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ kind: 'error', message: e.message, user, ...(user || e.stack === undefined ? {} : { stack: e.stack }) } satisfies DatWorkerReply);
  });
});

async function run(msg: Extract<DatWorkerRequest, { kind: 'start' }>): Promise<void> {
  const file = await FileSource.open(msg.path);
  try {
    if (file.size !== msg.size || file.mtimeMs !== msg.mtimeMs) throw new IngestError(`${msg.path} changed while it was being read: open it again`);
    await prepareCodec('zstd');
    const read: ReadAt = (o, n) => file.readSync(o, n);
    const meta = readDatMeta(read, file.size, file.name);
    const r = (reader = new DatBatchReader(meta, read, file.size, msg.options, recordsPerMark(meta)));
    for (let seq = 0; ; seq++) {
      while (credit <= 0) await new Promise<void>((res) => (wake = res));
      const b = r.next(seq);
      if (b === undefined) break;
      credit--;
      port!.postMessage({ kind: 'batch', batch: b } satisfies DatWorkerReply, [...batchBuffers(b.batch), b.marks.buffer as ArrayBuffer]);
    }
    port!.postMessage({ kind: 'end', end: r.end(), registered: [...r.registered()] } satisfies DatWorkerReply);
  } finally {
    await file.close();
  }
  // Done: the thread ends now, so its memory is given back while the main thread merges the last batches
  // (a worker's messages are all delivered before its 'exit').
  process.exit(0);
}
