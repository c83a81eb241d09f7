/**
 * compileTemplate: turns one template (`{dev:dev} {rwbs:w} … [{comm:s}]`) into a CompiledTemplate.
 *
 * Runs once per variant when an event's schema is first built. Field slots come from the caller (the
 * schema assigns one slot per field name across all variants of an event). Rules checked here, so the
 * matcher can rely on them: a scanning field (`s`, `flags`, `sym`) is followed by a literal or is last;
 * `rest` is last.
 */
import { Op, LIT_EXACT_LAST_BLANK, SCAN_ANCHOR_END, SCAN_TO_END, WORD_OPCODE_NAME, type CompiledTemplate } from './compiledTemplate';
import type { FieldKind } from './payloadTypes';
import { parseTemplate, type TemplatePart } from './templateParser';

/** Gives the slot of a field (name, kind) in the event's schema; -1 to skip the value. */
export type SlotResolver = (name: string, kind: FieldKind) => number;

const OP_OF_KIND: Record<FieldKind, Op> = {
  u: Op.Unsigned,
  d: Op.Signed,
  x: Op.Hex,
  h: Op.Hex,
  sys: Op.Hex,
  sx: Op.SignedHex,
  dev: Op.Dev,
  s: Op.Scan,
  flags: Op.Scan,
  sym: Op.Scan,
  w: Op.Word,
  p: Op.Word,
  sop: Op.Word,
  rest: Op.Rest,
  uop: Op.OpcodeNumber,
};

const encoder = new TextEncoder();

function isScanning(p: TemplatePart | undefined): boolean {
  return p !== undefined && p.type === 'field' && (OP_OF_KIND[p.kind] === Op.Scan || p.kind === 'rest');
}

/** Compiles a template. Throws (with the template text) on syntax or rule errors. */
export function compileTemplate(template: string, kernels: string, resolve: SlotResolver): CompiledTemplate {
  const parts = parseTemplate(template);
  // Blanks at the template's ends are ignored like the payload's (which is trimmed).
  const first = parts[0];
  if (first?.type === 'literal') {
    const t = first.text.replace(/^[ \t]+/, '');
    if (t === '') parts.shift();
    else parts[0] = { type: 'literal', text: t };
  }
  const n = parts.length;
  const op = new Uint8Array(n);
  const slot = new Int16Array(n).fill(-1);
  const slot2 = new Int16Array(n).fill(-1);
  const flags = new Uint8Array(n);
  const stop = new Int16Array(n).fill(-1);
  const bytes: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(n).fill(undefined);
  const fail = (msg: string): never => {
    throw new SyntaxError(`template ${JSON.stringify(template)}: ${msg}`);
  };
  for (let i = 0; i < n; i++) {
    const p = parts[i]!;
    const next = parts[i + 1];
    if (p.type === 'literal') {
      op[i] = Op.Literal;
      // Runs of blanks are one blank: a template blank matches one or more payload blanks.
      const text = p.text.replace(/[ \t]+/g, ' ');
      bytes[i] = encoder.encode(text);
      if (text.endsWith(' ') && isScanning(next)) flags[i] = LIT_EXACT_LAST_BLANK;
      continue;
    }
    op[i] = OP_OF_KIND[p.kind];
    slot[i] = p.name === '_' ? -1 : resolve(p.name, p.kind);
    if (p.kind === 'uop') slot2[i] = resolve('opcode', 'sop');
    let f = 0;
    if (p.kind === 'sop') {
      slot2[i] = resolve('op', 'uop');
      f |= WORD_OPCODE_NAME;
    }
    if (next !== undefined && next.type === 'field' && op[i] !== Op.Literal) {
      const a = OP_OF_KIND[p.kind];
      if (a === Op.Scan || a === Op.Word || a === Op.Rest) fail(`field ${p.name} must be followed by a literal`);
    }
    if (p.kind === 'rest' && next !== undefined) fail('`rest` must be the last field');
    if (op[i] === Op.Scan) {
      if (next === undefined) f |= SCAN_TO_END;
      else if (next.type === 'literal') {
        const key = encoder.encode(next.text.replace(/[ \t]+/g, ' '));
        bytes[i] = key;
        if (i + 2 === n) f |= SCAN_ANCHOR_END;
      }
    }
    flags[i] = f;
    if (op[i] === Op.Word && next?.type === 'literal') {
      const c = next.text.charCodeAt(0);
      if (c !== 0x20 && c !== 0x09) stop[i] = c;
    }
  }
  const post: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = op[i]!;
    if (((o === Op.Scan || o === Op.Rest || o === Op.Word) && slot[i]! >= 0) || (o === Op.OpcodeNumber && slot2[i]! >= 0)) post.push(i);
  }
  return { source: template, kernels, length: n, op, slot, slot2, flags, stop, bytes, post: Int16Array.from(post) };
}
