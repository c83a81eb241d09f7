/**
 * LensIndex: the CodeLenses of one document of a session, built once (on the first window asked) from the
 * session's FindingIndex and the document's model, then answered per window by a binary search.
 *
 * - A `finding` lens on each decisive line of a finding of this document, titled by findingTitle.ts
 *   (`short read: 64 KiB of 256 KiB before EOF`); several findings on one line share one lens (`(+2 more)`)
 *   whose tooltip lists every message.
 * - A `request` lens on the first line of each request a finding names: the root of every chain at the
 *   finding's decisive line and the request whose own event that line is (a failed block request below a
 *   syscall), titled by requestTitle (`block WS 7:2 28672+512: -5 EIO after 208.0 µs`). A request named by
 *   several findings gets one lens (the first finding's); requests starting on one line share one lens.
 *
 * So there is at most one lens per line and kind, and a window of lines costs O(log n + lenses in it)
 * however many findings the session has. Kernel logs get finding lenses only (they have no requests).
 */
import type { Finding } from '../contracts/finding';
import type { FindingRef, LensInfo } from '../contracts/query';
import { clockScale, type FileModel } from '../model/fileModel';
import type { RequestView } from '../requests/requestView';
import type { FindingIndex } from './findingIndex';
import { findingTitle } from './findingTitle';
import { requestStartLine } from './requestChains';
import { requestTitle } from './requestOutcome';

/** Requests named per finding, at most. */
const MAX_NAMED = 4;
/** Tooltips longer than this are cut (a message can quote a long stack). */
const MAX_TOOLTIP = 2000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The requests a finding names: the roots of the chains at its decisive line, then the requests whose own stage that line is. */
export function namedRequests(v: RequestView, line: number): number[] {
  const ids = v.atLine(line);
  const out: number[] = [];
  const add = (r: number): void => {
    if (out.length < MAX_NAMED && !out.includes(r)) out.push(r);
  };
  for (const r of ids) add(v.root(r));
  for (const r of ids) {
    for (let k = 0; k < v.stageCount(r); k++) {
      if (v.stageLine(r, k) === line && v.stageName(r, k) !== 'parent-complete') {
        add(r);
        break;
      }
    }
  }
  return out;
}

export class LensIndex {
  private lenses: LensInfo[] | undefined;

  constructor(
    private readonly model: FileModel,
    private readonly findings: FindingIndex,
  ) {}

  /** The lenses of the lines [from, to] (1-based, inclusive), in line order (a finding's before a request's). */
  inRange(from: number, to: number): LensInfo[] {
    const all = (this.lenses ??= this.build());
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]!.line < from) lo = mid + 1;
      else hi = mid;
    }
    const out: LensInfo[] = [];
    for (let i = lo; i < all.length && all[i]!.line <= to; i++) out.push(all[i]!);
    return out;
  }

  private build(): LensInfo[] {
    const m = this.model;
    const scale = m.kind === 'trace' ? clockScale(m) : 1e9;
    const refs = this.findings.inRange(m.path, 1, Number.MAX_SAFE_INTEGER);
    const out: LensInfo[] = [];
    for (let i = 0; i < refs.length; ) {
      let j = i + 1;
      while (j < refs.length && refs[j]!.finding.line === refs[i]!.finding.line) j++;
      out.push(findingLens(refs.slice(i, j), scale));
      i = j;
    }
    if (m.kind === 'trace') out.push(...requestLenses(m.requests, refs, scale));
    return out.sort((a, b) => a.line - b.line || (a.kind === b.kind ? 0 : a.kind === 'finding' ? -1 : 1));
  }
}

/** One lens for the findings decisive on one line. */
function findingLens(group: readonly FindingRef[], scale: number): LensInfo {
  const first = group[0]!;
  const more = group.length > 1 ? ` (+${group.length - 1} more)` : '';
  const tooltip = group.map((r) => `${r.finding.severity} [${r.finding.kind}] ${r.finding.message}`).join('\n\n');
  return { line: first.finding.line, kind: 'finding', title: findingTitle(first.finding, scale) + more, tooltip: clip(tooltip, MAX_TOOLTIP), finding: first.index };
}

/** One lens per request the findings name, on its first line; requests starting on one line share it. */
function requestLenses(v: RequestView, refs: readonly FindingRef[], scale: number): LensInfo[] {
  const seen = new Set<number>();
  const byLine = new Map<number, { lens: LensInfo; more: number }>();
  for (const ref of refs) {
    for (const r of namedRequests(v, ref.finding.line)) {
      if (seen.has(r)) continue;
      seen.add(r);
      const line = requestStartLine(v, r);
      if (!(line > 0)) continue;
      const known = byLine.get(line);
      if (known !== undefined) {
        known.more++;
        continue;
      }
      byLine.set(line, { lens: { line, kind: 'request', title: requestTitle(v, r, scale), tooltip: requestTooltip(v, r, ref.finding), finding: ref.index, request: r }, more: 0 });
    }
  }
  return [...byLine.values()].map(({ lens, more }) => (more > 0 ? { ...lens, title: `${lens.title} (+${more} more)` } : lens));
}

function requestTooltip(v: RequestView, r: number, f: Finding): string {
  const who = v.pid(r) >= 0 ? ` by ${v.comm(r) || '?'}-${v.pid(r)}` : '';
  const lines = v.lines(r);
  return `${v.layer(r)} ${v.op(r)}${who}, lines ${lines[0] ?? '?'}–${lines[lines.length - 1] ?? '?'}; named by the ${f.kind} finding at line ${f.line}`;
}
