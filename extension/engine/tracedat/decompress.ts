/**
 * decompress: the codecs of trace.dat version 7 sections and chunks, from maintained libraries: zlib
 * through `node:zlib` (trace-cmd writes it with `compress2()`, a zlib-wrapped stream) and zstd through
 * `zstddec` (zstd's own decoder compiled to WebAssembly; trace-cmd writes its frames without a content
 * size, so the size comes from the chunk header). `fzstd` (pure JavaScript) was measured against it: see
 * CHANGELOG 0.6.0. Output larger than the header's size, or a codec error, raises a DatError.
 */
import { inflateSync } from 'node:zlib';
import { ZSTDDecoder } from 'zstddec';
import { DatError } from './datError';

export type CodecName = 'none' | 'zlib' | 'zstd';

let zstd: ZSTDDecoder | undefined;
let zstdReady: Promise<void> | undefined;

/** Loads the codec a file needs (zstd's WebAssembly is instantiated once per process). */
export async function prepareCodec(name: string): Promise<void> {
  if (name !== 'zstd') return;
  if (!zstdReady) {
    const d = new ZSTDDecoder();
    // zstddec loads its WebAssembly through `fetch` of a data: URL when `fetch` exists, which in Node loads
    // the whole HTTP client (undici: ~40 ms and several MB, in every reader thread); without `fetch` it
    // instantiates the same bytes directly. `fetch` is hidden for the synchronous part of init() only.
    const desc = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    const hide = desc?.configurable === true;
    if (hide) Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });
    try {
      zstdReady = d.init().then(() => {
        zstd = d;
      });
    } finally {
      if (hide) Object.defineProperty(globalThis, 'fetch', desc);
    }
  }
  await zstdReady;
}

export function isKnownCodec(name: string): name is CodecName {
  return name === 'none' || name === 'zlib' || name === 'zstd';
}

/** Decompresses one block whose uncompressed size the file states. */
export function decompress(codec: CodecName, data: Uint8Array, size: number, where: string): Uint8Array {
  if (codec === 'none') return data;
  let out: Uint8Array;
  try {
    if (codec === 'zlib') {
      out = inflateSync(data, { maxOutputLength: Math.max(1, size) });
    } else {
      if (!zstd) throw new Error('the zstd decoder was not loaded');
      out = zstd.decode(data, size);
    }
  } catch (err) {
    throw new DatError(`${where}: ${codec} data does not decompress (${(err as Error).message ?? String(err)})`);
  }
  if (out.length !== size) throw new DatError(`${where}: ${codec} data does not decompress to the ${size} bytes its header states (got ${out.length})`);
  return out;
}
