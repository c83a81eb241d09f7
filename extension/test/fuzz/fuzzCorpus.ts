/**
 * fuzzCorpus: the real inputs the fuzz cases are built from: the traces, trace-cmd reports and kernel
 * logs of `samples/` (and its binary trace.dat), read once per process. Recording metadata (READMEs,
 * expected results, setup notes) is left out: it is neither a trace nor a log.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** What a base input is, for the families that need one kind (interleaving a log into a trace). */
export type BaseKind = 'trace' | 'log' | 'dat';

export interface BaseInput {
  /** Path relative to samples/. */
  readonly name: string;
  readonly kind: BaseKind;
  readonly bytes: Buffer;
}

export interface FuzzCorpus {
  readonly all: readonly BaseInput[];
  readonly traces: readonly BaseInput[];
  readonly logs: readonly BaseInput[];
  readonly dats: readonly BaseInput[];
  /** One payload per known event type, as printed in the samples (for glued and mutated payloads). */
  readonly payloads: readonly { readonly event: string; readonly line: string; readonly payload: string }[];
}

export const samplesDir = path.resolve(__dirname, '../../../samples');

const TRACE_FILE = /^(trace|report|twin-trace|ctr-trace|aux-trace|trace_pipe)[\w.-]*\.txt$/;
const LOG_FILE = /^(dmesg|blocked-tasks)[\w.-]*\.txt$|\.(log|dmesg|kmsg)$/;
/** Inputs above this are left out (the long-line sample of 90-malformed is 1.08 MB and stays). */
const MAX_BASE_BYTES = 1.2e6;

let cached: FuzzCorpus | undefined;

/** Recording metadata with a log-like or trace-like name. */
const METADATA = /^(extract\.log|faultfs-daemon-excerpt\.log|trace-dat-summary\.txt)$/;

function kindOf(dir: string, file: string): BaseKind | undefined {
  if (METADATA.test(file)) return undefined;
  if (file.endsWith('.dat')) return 'dat';
  if (dir === '22-kernel-log-forms' && file.endsWith('.txt')) return 'log';
  if (dir === '90-malformed' && file.endsWith('.txt')) return 'trace';
  if (LOG_FILE.test(file)) return 'log';
  if (TRACE_FILE.test(file)) return 'trace';
  return undefined;
}

/** The base inputs (cached). */
export function loadCorpus(): FuzzCorpus {
  if (cached) return cached;
  const all: BaseInput[] = [];
  for (const dir of readdirSync(samplesDir).sort()) {
    const full = path.join(samplesDir, dir);
    if (!statSync(full).isDirectory() || dir === 'record') continue;
    for (const file of readdirSync(full).sort()) {
      const kind = kindOf(dir, file);
      if (kind === undefined) continue;
      const p = path.join(full, file);
      const st = statSync(p);
      if (!st.isFile() || st.size > MAX_BASE_BYTES) continue;
      all.push({ name: `${dir}/${file}`, kind, bytes: readFileSync(p) });
    }
  }
  const payloads = new Map<string, { event: string; line: string; payload: string }>();
  for (const b of all) {
    if (b.kind !== 'trace') continue;
    for (const line of b.bytes.toString('latin1').split('\n')) {
      const m = /^\s*\S.*?-\d+\s+.*?\[\d+\].*?\d:\s+([a-z_0-9]+):\s+(.*)$/.exec(line);
      if (m && !payloads.has(m[1]!) && m[2]!.length > 0) payloads.set(m[1]!, { event: m[1]!, line, payload: m[2]!.trim() });
    }
  }
  cached = {
    all,
    traces: all.filter((b) => b.kind === 'trace'),
    logs: all.filter((b) => b.kind === 'log'),
    dats: all.filter((b) => b.kind === 'dat'),
    payloads: [...payloads.values()],
  };
  return cached;
}
