/**
 * decodeKeyValues: generic `key=value` / `key: value,` pairs of a payload whose event has no known
 * format (for hovers and JSON export; not a hot path).
 *
 * `a=1 b=two` -> [[a,1],[b,two]]; `fd: 3, buf: 0x7f, count: 0x340` -> [[fd,3],[buf,0x7f],[count,0x340]].
 * A value runs up to the next `key=` / `, key:` token, so values with blanks (comms) survive.
 */
const KEY_EQ = /(?:^|[\s,])([A-Za-z_][A-Za-z0-9_.]*)=/g;
const KEY_COLON = /(?:^|,\s*)([A-Za-z_][A-Za-z0-9_ *]*?):\s/g;

/** Returns the key/value pairs found in `text` (empty when none). */
export function decodeKeyValues(text: string): Array<[string, string]> {
  const t = text.trim();
  const eq = collect(t, KEY_EQ, (v) => v.trim().replace(/,$/, ''));
  if (eq.length > 0) return eq;
  return collect(t, KEY_COLON, (v) => v.trim().replace(/,$/, ''));
}

function collect(t: string, re: RegExp, clean: (v: string) => string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const hits: Array<{ key: string; start: number; valueStart: number }> = [];
  re.lastIndex = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    const key = m[1]!;
    hits.push({ key: key.trim().split(/\s+/).pop()!, start: m.index, valueStart: m.index + m[0].length });
    if (m[0].length === 0) re.lastIndex++;
  }
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    const end = i + 1 < hits.length ? hits[i + 1]!.start : t.length;
    out.push([h.key, clean(t.slice(h.valueStart, end))]);
  }
  return out;
}
