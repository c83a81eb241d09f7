/**
 * Corpus tests of the payload decoder: every event line of scenarios 01-05b, in the three renderings
 * (trace-cmd report, report -l, kernel trace.txt), must decode; the same record must give equal values in
 * trace.txt and report.txt except for pointers, %ps/%pS symbols, the ioprio class (`be` vs `0x2`) and
 * btrfs ordered flags (trace-cmd cannot name them); report and report -l must agree on every field.
 */
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { PayloadDecoder } from '../../engine/decode/payloadDecoder';
import { StringTable } from '../../engine/store/stringTable';
import { frameFile, type FramedLine } from './decodeCorpusHelpers';

const CORPUS = '/work/shared/corpus';
const SCENARIOS = [
  '01-xfs-buffered-read-uring-eof',
  '02-xfs-ext4-odirect',
  '03-btrfs-ordered-extents',
  '04-btrfs-io-errors',
  '05b-xfs-blocked-tasks-fsfreeze',
];
const SYMBOL_FIELDS = new Set(['ops', 'caller', 'caller_ip', 'actor']);

const strings = new StringTable();
const decoder = new PayloadDecoder(strings);
const enc = new TextEncoder();

type Decoded = { line: FramedLine; obj: Record<string, number | string> };

function decodeAll(path: string): { decoded: Decoded[]; failures: string[]; unknown: Set<string> } {
  const decoded: Decoded[] = [];
  const failures: string[] = [];
  const unknown = new Set<string>();
  for (const line of frameFile(path)) {
    const schema = decoder.schema(line.event);
    if (schema === undefined) {
      unknown.add(line.event);
      continue;
    }
    const bytes = enc.encode(line.payload);
    const rec = decoder.decode(schema, bytes, 0, bytes.length);
    if (rec === undefined) failures.push(`${path}:${line.lineNo} ${line.event}: ${line.payload}`);
    else decoded.push({ line, obj: decoder.toObject(rec) });
  }
  return { decoded, failures, unknown };
}

/** Pairs records of two renderings by (timestamp, event, occurrence). */
function pair(a: Decoded[], b: Decoded[]): Array<[Decoded, Decoded]> {
  const byKey = new Map<string, Decoded[]>();
  for (const d of b) {
    const k = `${d.line.ts} ${d.line.event}`;
    const list = byKey.get(k);
    if (list === undefined) byKey.set(k, [d]);
    else list.push(d);
  }
  const out: Array<[Decoded, Decoded]> = [];
  for (const d of a) {
    const other = byKey.get(`${d.line.ts} ${d.line.event}`)?.shift();
    if (other !== undefined) out.push([d, other]);
  }
  return out;
}

function comparable(d: Decoded, kindOf: (event: string, field: string) => string | undefined): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(d.obj)) {
    const kind = kindOf(d.line.event, k);
    if (kind === 'p' || SYMBOL_FIELDS.has(k) || k === 'ioprio_class') continue;
    if (d.line.event.startsWith('btrfs_') && k === 'flags') continue;
    out[k] = v;
  }
  return out;
}

const kindOf = (event: string, field: string): string | undefined => {
  const s = decoder.schema(event);
  const slot = s?.slot(field) ?? -1;
  return slot < 0 ? undefined : s!.fields[slot]!.kind;
};

for (const sc of SCENARIOS) {
  const dir = `${CORPUS}/${sc}`;
  test(`corpus ${sc}: every known event decodes in all renderings, and renderings agree`, { skip: !existsSync(dir) }, () => {
    const report = decodeAll(`${dir}/report.txt`);
    const reportL = decodeAll(`${dir}/report-l.txt`);
    const trace = decodeAll(`${dir}/trace.txt`);
    for (const r of [report, reportL, trace]) {
      assert.deepEqual(r.failures.slice(0, 5), []);
      assert.deepEqual([...r.unknown], []);
    }
    assert.ok(report.decoded.length > 1000);
    assert.equal(trace.decoded.length, report.decoded.length);
    assert.equal(reportL.decoded.length, report.decoded.length);

    const tr = pair(report.decoded, trace.decoded);
    assert.ok(tr.length >= report.decoded.length * 0.99, `paired ${tr.length} of ${report.decoded.length}`);
    let compared = 0;
    for (const [a, b] of tr) {
      assert.deepEqual(comparable(b, kindOf), comparable(a, kindOf), `${a.line.event} report line ${a.line.lineNo} vs trace line ${b.line.lineNo}`);
      compared++;
    }
    assert.ok(compared > 1000);

    const rl = pair(report.decoded, reportL.decoded);
    assert.equal(rl.length, report.decoded.length);
    for (const [a, b] of rl) assert.deepEqual(b.obj, a.obj, `${a.line.event} report line ${a.line.lineNo} vs report -l line ${b.line.lineNo}`);
  });
}
