/**
 * decodeBench: measures PayloadDecoder on a big `trace-cmd report` file.
 *
 *   trace-cmd report -i /work/shared/corpus/06-large-xfs-randread/trace.dat > /tmp/r06.txt
 *   node --import tsx extension/bench/decodeBench.ts /tmp/r06.txt
 *
 * Lines are framed crudely (split on `\n`, event name after the `]` + timestamp), the frames are kept in
 * typed arrays, then every payload is decoded; only the decode pass is timed (best of 3 runs). Prints
 * the time, the throughput over the payload bytes and the whole file, and the decode failures per event.
 */
import { readFileSync } from 'node:fs';
import { PayloadDecoder } from '../engine/decode/payloadDecoder';
import type { EventSchema } from '../engine/decode/payloadTypes';
import { StringTable } from '../engine/store/stringTable';

const file = process.argv[2];
if (file === undefined) {
  console.error('usage: node --import tsx extension/bench/decodeBench.ts REPORT.txt');
  process.exit(2);
}
const buf: Uint8Array = readFileSync(file);
const strings = new StringTable();
const decoder = new PayloadDecoder(strings);

// Frame: event-name id, payload start, payload end.
let cap = 1 << 16;
let evId: Int32Array = new Int32Array(cap);
let pStart: Int32Array = new Int32Array(cap);
let pEnd: Int32Array = new Int32Array(cap);
let n = 0;
const tFrame = performance.now();
let lineStart = 0;
while (lineStart < buf.length) {
  let lineEnd = buf.indexOf(0x0a, lineStart);
  if (lineEnd < 0) lineEnd = buf.length;
  // `] ` then blanks, timestamp, `: `, name, `:`.
  let i = buf.indexOf(0x5d, lineStart + 16);
  if (i >= 0 && i < lineEnd) {
    i++;
    while (i < lineEnd && buf[i] === 0x20) i++;
    while (i < lineEnd && ((buf[i]! >= 0x30 && buf[i]! <= 0x39) || buf[i] === 0x2e)) i++;
    if (buf[i] === 0x3a && buf[i + 1] === 0x20) {
      const nameStart = i + 2;
      let j = nameStart;
      while (j < lineEnd && buf[j] !== 0x3a && buf[j] !== 0x20) j++;
      if (buf[j] === 0x3a) {
        if (n === cap) {
          cap *= 2;
          const grow = (a: Int32Array): Int32Array => {
            const b = new Int32Array(cap);
            b.set(a);
            return b;
          };
          evId = grow(evId);
          pStart = grow(pStart);
          pEnd = grow(pEnd);
        }
        evId[n] = strings.internBytes(buf, nameStart, j);
        pStart[n] = j + 1;
        pEnd[n] = lineEnd;
        n++;
      }
    }
  }
  lineStart = lineEnd + 1;
}
const frameMs = performance.now() - tFrame;

const schemas: (EventSchema | undefined | null)[] = [];
function schemaOf(id: number): EventSchema | undefined {
  let s = schemas[id];
  if (s === undefined) {
    s = decoder.schema(strings.get(id)) ?? null;
    schemas[id] = s;
  }
  return s ?? undefined;
}

let payloadBytes = 0;
for (let k = 0; k < n; k++) payloadBytes += pEnd[k]! - pStart[k]!;

let best = Infinity;
const failures = new Map<number, number>();
let unknown = 0;
let decoded = 0;
for (let run = 0; run < 3; run++) {
  failures.clear();
  unknown = 0;
  decoded = 0;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    const s = schemaOf(evId[k]!);
    if (s === undefined) {
      unknown++;
      continue;
    }
    const rec = decoder.decode(s, buf, pStart[k]!, pEnd[k]!);
    if (rec === undefined) failures.set(evId[k]!, (failures.get(evId[k]!) ?? 0) + 1);
    else decoded++;
  }
  best = Math.min(best, performance.now() - t0);
}
const mb = (x: number): string => (x / 1e6).toFixed(1);
console.log(`file ${file}: ${mb(buf.length)} MB, ${n} events framed in ${frameMs.toFixed(0)} ms`);
console.log(`decode: ${best.toFixed(0)} ms (best of 3) for ${n} payloads, ${mb(payloadBytes)} MB of payload`);
console.log(`  ${((payloadBytes / 1e6) / (best / 1000)).toFixed(0)} MB/s of payload, ${((buf.length / 1e6) / (best / 1000)).toFixed(0)} MB/s of file, ${((best * 1e6) / n).toFixed(0)} ns/event`);
console.log(`decoded ${decoded}, events without a format ${unknown}, decode failures ${[...failures.values()].reduce((a, b) => a + b, 0)}`);
for (const [id, c] of failures) console.log(`  failed ${strings.get(id)}: ${c}`);
