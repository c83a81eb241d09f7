/**
 * openInput: the input layer's entry. Opens a path (or wraps bytes in memory) as a ByteSource, reads its
 * head once, and decides what it is (sniffInput). Every analysis starts here, so the decision is made in
 * one place and the file is read once: the reader the kind picks streams the same source.
 */
import { FileSource, MemorySource, quote, type ByteSource } from './byteSource';
import { IngestError } from './ingestError';
import { sniffInput, SNIFF_BYTES, type InputKind } from './sniffInput';

export interface OpenedInput {
  readonly source: ByteSource;
  readonly kind: InputKind;
}

/** Opens a file on disk and sniffs it; the caller closes `source`. Unreadable paths raise an IngestError. */
export async function openInput(path: string): Promise<OpenedInput> {
  const source = await FileSource.open(path);
  try {
    const head = await source.read(0, SNIFF_BYTES);
    return { source, kind: sniffInput(head, source.size) };
  } catch (err) {
    await source.close();
    throw err;
  }
}

/** Wraps text already in memory (an editor buffer) and sniffs it. */
export function openBytes(name: string, bytes: Uint8Array): OpenedInput & { readonly source: MemorySource } {
  const source = new MemorySource(name, bytes);
  return { source, kind: sniffInput(bytes.subarray(0, SNIFF_BYTES), bytes.length) };
}

/**
 * The one-line message of the text-only readers (`ingestFile`, `ingestBytes`, `analyzeBytes`) for a
 * trace.dat: the binary file is read by `openInput` + `analyzeInput`, from its file (random access).
 */
export function traceDatError(name: string, version: string): IngestError {
  return new IngestError(`${quote(name)} is a binary trace-cmd trace.dat (file version ${quote(version)}); this reader takes text: analyse the file itself (\`iolens analyze\`, or open it in VS Code), which reads it as its \`trace-cmd report\` text`);
}

export type { ByteSource, InputKind };
