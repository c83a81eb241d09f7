/**
 * inlayHints: for the lines [from, to] of a trace, a hint at the end of each line where a request
 * completes (its completion event, requestOutcome.ts): the request's latency (`Q2C 86.2 µs` for a block
 * request whose queue was traced, else first stage to completion), its error (`-5 EIO after 3.100 ms`) or
 * its short transfer (`65536 of 262144 B in 1.240 ms`). Reads the sealed requests' line index (a binary
 * search to `from`, then only the lines of the window), so a window costs the same in any size of trace.
 * Kernel logs have none.
 */
import type { InlayInfo } from '../contracts/query';
import { clockScale, type TraceModel } from '../model/fileModel';
import { formatDuration } from '../report/formatDuration';
import type { RequestView } from '../requests/requestView';
import { requestStartLine } from './requestChains';
import { completionStage, requestOutcome, requestWhat } from './requestOutcome';

const BTT = ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'] as const;
/** Hints kept per line (several layers can complete on one line; rare). */
const MAX_PER_LINE = 4;

/** The hover text of a hint: the request, who ran it, where it started and (block) its btt stages. */
function tooltip(v: RequestView, r: number, unitsPerSecond: number): string {
  const who = v.pid(r) >= 0 ? ` by ${v.comm(r) || '?'}-${v.pid(r)}` : '';
  const parts = [`${requestWhat(v, r)}${who}, started at line ${requestStartLine(v, r)}`];
  if (v.layer(r) === 'block') {
    const stages = BTT.map((s) => [s, v.block.get(r, s)] as const).filter(([, x]) => x !== undefined);
    if (stages.length > 0) parts.push(`btt: ${stages.map(([s, x]) => `${s} ${formatDuration(x!, unitsPerSecond)}`).join(', ')}`);
  }
  return parts.join('\n');
}

/** The hints of the lines [from, to] (1-based, inclusive), in line order. */
export function inlayHints(m: TraceModel, from: number, to: number): InlayInfo[] {
  const v = m.requests;
  const scale = clockScale(m);
  const { lines, requests } = v.lineIndex();
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]! < from) lo = mid + 1;
    else hi = mid;
  }
  const out: InlayInfo[] = [];
  let line = -1;
  let onLine = 0;
  for (let i = lo; i < lines.length && lines[i]! <= to; i++) {
    const l = lines[i]!;
    if (l !== line) {
      line = l;
      onLine = 0;
    }
    const r = requests[i]!;
    const k = completionStage(v, r);
    if (k < 0 || v.stageLine(r, k) !== l || onLine >= MAX_PER_LINE) continue;
    onLine++;
    out.push({ line: l, text: requestOutcome(v, r, scale), tooltip: tooltip(v, r, scale), request: r });
  }
  return out;
}
