// PayloadPlan, the decoding of trace.dat records straight into template slots, checked against the text
// path on records it has never seen: for every event of real trace.dat files (their own format files) that
// has a template, records with random field values (edge values over-represented: 0, 2^31, 2^32 - 1, 2^53,
// 2^63, -1, strings with blanks, newlines, brackets, commas, control bytes, empty, data_loc strings whose
// length stops before their NUL) are rendered as trace-cmd prints
// them and decoded from that text by the templates; whenever the plan takes a record, its fields must be
// exactly the text's. A plan may refuse a record (the reader then renders it); it may never differ.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CompiledSchema } from '../../engine/decode/compiledSchema';
import { PayloadDecoder } from '../../engine/decode/payloadDecoder';
import { FileSource } from '../../engine/input/byteSource';
import { StringTable } from '../../engine/store/stringTable';
import { DatEventFormats } from '../../engine/tracedat/datEventFormats';
import { readDatMeta } from '../../engine/tracedat/datMeta';
import { prepareCodec } from '../../engine/tracedat/decompress';
import { parseEventFormat, type EventFormat, type FormatField } from '../../engine/tracedat/eventFormat';
import { PayloadPlan } from '../../engine/tracedat/payloadPlan';
import { compileEvent } from '../../engine/tracedat/printFmt';
import { corpusDir, haveCorpus, samplesDir } from './helpers/paths';

/** A small deterministic generator (xorshift32), so a failure is reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const EDGE32 = [0, 1, 7, 255, 256, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xfffffffb, 0xffffffff];
const STRINGS = ['fio', 'kworker/1:4', '', 'a b', 'x]y', '(p)', 'k=v', 'c,d', 'tab\there', 'bell\x07', 'new\nline', 'cr\r', 'WS', 'R', 'caf\xe9', 'x'.repeat(15)];

function fillField(d: DataView, bytes: Uint8Array, f: FormatField, r: () => number, little: boolean): void {
  const pick = r();
  if (f.isString && !f.isDynamic) {
    const s = STRINGS[Math.floor(r() * STRINGS.length)]!.slice(0, Math.max(0, f.size - (r() < 0.8 ? 1 : 0)));
    for (let i = 0; i < f.size; i++) bytes[f.offset + i] = i < s.length ? s.charCodeAt(i) & 0xff : 0;
    return;
  }
  if (f.isArray || f.isDynamic) return;
  const small = Math.floor(r() * 5000);
  const v32 = pick < 0.35 ? small : pick < 0.7 ? EDGE32[Math.floor(r() * EDGE32.length)]! : Math.floor(r() * 4294967296);
  switch (f.size) {
    case 1:
      bytes[f.offset] = v32 & 0xff;
      break;
    case 2:
      d.setUint16(f.offset, v32 & 0xffff, little);
      break;
    case 4:
      d.setUint32(f.offset, v32 >>> 0, little);
      break;
    case 8: {
      const hiPick = r();
      const hi = hiPick < 0.5 ? 0 : hiPick < 0.65 ? Math.floor(r() * 0x200000) : hiPick < 0.75 ? 0x1fffff : hiPick < 0.85 ? 0x200000 : hiPick < 0.92 ? 0xffffffff : Math.floor(r() * 4294967296);
      d.setUint32(f.offset + (little ? 0 : 4), v32 >>> 0, little);
      d.setUint32(f.offset + (little ? 4 : 0), hi >>> 0, little);
      break;
    }
  }
}

/** A record of `fmt` with random field values (data_loc strings placed after the fixed part). */
function randomRecord(fmt: EventFormat, r: () => number, little: boolean, typeId: number, typeOffset: number): Uint8Array {
  const fixed = Math.max(8, ...[...fmt.commonFields, ...fmt.fields].map((f) => f.offset + f.size));
  const bytes = new Uint8Array(fixed + 256);
  const d = new DataView(bytes.buffer);
  for (const f of fmt.fields) fillField(d, bytes, f, r, little);
  let at = fixed;
  for (const f of fmt.fields) {
    if (!f.isDynamic) continue;
    const s = STRINGS[Math.floor(r() * STRINGS.length)]!;
    for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i) & 0xff;
    bytes[at + s.length] = 0;
    // Now and then a descriptor whose length stops before the NUL (libtraceevent prints up to the NUL).
    const len = r() < 0.2 && s.length > 1 ? s.length - 1 : s.length + 1;
    if (f.size === 4) d.setUint32(f.offset, (len << 16) | at, little);
    at += s.length + 1;
  }
  d.setUint16(typeOffset, typeId, little);
  return bytes.subarray(0, at);
}

const files = [path.join(samplesDir, '01-layouts-xfs', 'trace.dat')];
if (haveCorpus) for (const d of ['02-xfs-ext4-odirect', '03-btrfs-ordered-extents', '04-btrfs-io-errors', '05b-xfs-blocked-tasks-fsfreeze']) files.push(path.join(corpusDir, d, 'trace.dat'));

for (const file of files.filter((f) => existsSync(f))) {
  test(`PayloadPlan on ${path.basename(path.dirname(file))}: every record a plan takes decodes exactly as its rendered text`, async () => {
    await prepareCodec('zstd');
    const src = await FileSource.open(file);
    try {
      const meta = readDatMeta((o, n) => src.readSync(o, n), src.size, src.name);
      const formats = new DatEventFormats(meta);
      const strings = new StringTable();
      const decoder = new PayloadDecoder(strings);
      const r = rng(0x9e3779b9);
      let planned = 0;
      let taken = 0;
      let refused = 0;
      let keysTaken = 0;
      const names: string[] = [];
      for (const { system, text } of meta.eventFormats) {
        const name = /^name:\s*(\S+)/m.exec(text)?.[1];
        if (!name) continue;
        const schema = decoder.schema(name) as CompiledSchema | undefined;
        if (!schema) continue;
        let fmt: EventFormat;
        try {
          fmt = parseEventFormat(system, text, { longSize: meta.kernelLongSize });
        } catch {
          continue;
        }
        const compiled = compileEvent(fmt);
        if (!compiled.plain) continue;
        const typeField = fmt.commonFields.find((f) => f.name === 'common_type')!;
        const ctx = formats.contextFor(0, 1e9);
        const record = (): { data: Uint8Array; text: string } => {
          const data = randomRecord(fmt, r, meta.littleEndian, fmt.id, typeField.offset);
          return { data, text: compiled.render(data, 0, data.length, ctx) };
        };
        // The variant: the one the text of a record of small values matches (as the reader learns it).
        let plan: PayloadPlan | undefined;
        for (let k = 0; k < 20 && plan === undefined; k++) {
          const { text } = record();
          const buf = Buffer.from(text, 'latin1');
          const rec = decoder.decode(schema, buf, 0, buf.length);
          if (rec && rec.variant >= 0) plan = PayloadPlan.build(schema, rec.variant, compiled, text, meta.littleEndian);
        }
        if (plan === undefined) continue;
        planned++;
        names.push(name);
        const num = new Float64Array(schema.fields.length);
        const str = new Int32Array(schema.fields.length);
        for (let k = 0; k < 300; k++) {
          const { data, text } = record();
          const buf = Buffer.from(text, 'latin1');
          // The key alone (events no analysis reads): what the text's key-only decode gives.
          const kn = new Float64Array(schema.fields.length).fill(NaN);
          const ks = new Int32Array(schema.fields.length).fill(-1);
          if (plan.decode(data, 0, data.length, () => ctx, true, kn, ks, strings)) {
            keysTaken++;
            const keys = decoder.decodeKeys(schema, buf, 0, buf.length);
            assert.ok(keys, `${name}: the plan read a key from a text whose key no template reads: ${JSON.stringify(text)}`);
            for (const slot of [schema.slot('dev'), schema.slot('ino')].filter((x) => x >= 0)) {
              assert.ok(Object.is(kn[slot], keys.num[slot]) || (Number.isNaN(kn[slot]!) && Number.isNaN(keys.num[slot]!)), `${name} key slot ${slot}: plan ${kn[slot]}, text ${keys.num[slot]} in ${JSON.stringify(text)}`);
            }
          }
          num.fill(NaN);
          str.fill(-1);
          if (!plan.decode(data, 0, data.length, () => ctx, false, num, str, strings)) {
            refused++;
            continue;
          }
          taken++;
          const rec = decoder.decode(schema, buf, 0, buf.length);
          assert.ok(rec, `${name}: the plan took a record whose text no template reads: ${JSON.stringify(text)}`);
          assert.equal(rec.variant, plan.variant, `${name}: ${JSON.stringify(text)}`);
          for (const f of schema.fields) {
            const want = f.isString ? (rec.str[f.slot]! >= 0 ? strings.get(rec.str[f.slot]!) : null) : rec.num[f.slot]!;
            const got = f.isString ? (str[f.slot]! >= 0 ? strings.get(str[f.slot]!) : null) : num[f.slot]!;
            assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${name}.${f.name}: plan ${JSON.stringify(got)}, text ${JSON.stringify(want)} in ${JSON.stringify(text)}`);
          }
        }
      }
      // Not vacuous: plans exist and take most records (the refused ones hold values a plan does not read).
      assert.ok(planned >= 5, `plans for ${planned} events: ${names.join(', ')}`);
      assert.ok(taken > refused / 4, `${taken} records taken, ${refused} refused`);
      assert.ok(keysTaken >= taken, `${keysTaken} keys read`);
    } finally {
      await src.close();
    }
  });
}
