/**
 * FindingIndex: a session's findings by file and line, for "the findings at or around a line" (hovers,
 * CodeLens) and "the next / previous finding from a line" (navigation), optionally of one kind. A finding
 * is located at its decisive line; `atLine` also finds it through its evidence lines in the same file.
 */
import type { Finding } from '../contracts/finding';
import type { FindingRef } from '../contracts/query';

interface Located {
  readonly line: number;
  readonly index: number;
}

export class FindingIndex {
  /** file -> decisive lines (sorted) with finding index. */
  private readonly byFile = new Map<string, Located[]>();
  /** file -> evidence line -> finding indexes. */
  private readonly evidence = new Map<string, Map<number, number[]>>();

  constructor(readonly findings: readonly Finding[]) {
    findings.forEach((f, index) => {
      let list = this.byFile.get(f.file);
      if (!list) this.byFile.set(f.file, (list = []));
      list.push({ line: f.line, index });
      for (const e of f.evidence) {
        let m = this.evidence.get(e.file);
        if (!m) this.evidence.set(e.file, (m = new Map()));
        let ids = m.get(e.line);
        if (!ids) m.set(e.line, (ids = []));
        if (ids[ids.length - 1] !== index) ids.push(index);
      }
    });
    for (const list of this.byFile.values()) list.sort((a, b) => a.line - b.line || a.index - b.index);
  }

  /** Findings whose decisive line is `line` (first), then those that cite it as evidence. */
  atLine(file: string, line: number, withEvidence = true): FindingRef[] {
    const out: FindingRef[] = [];
    const seen = new Set<number>();
    for (const l of this.byFile.get(file) ?? []) {
      if (l.line === line && !seen.has(l.index)) {
        seen.add(l.index);
        out.push({ index: l.index, finding: this.findings[l.index]! });
      }
    }
    if (withEvidence) {
      for (const i of this.evidence.get(file)?.get(line) ?? []) {
        if (seen.has(i)) continue;
        seen.add(i);
        out.push({ index: i, finding: this.findings[i]! });
      }
    }
    return out;
  }

  /** Findings whose decisive line lies in [from, to] of `file`, in line order (a binary search: windows stay cheap with thousands of findings). */
  inRange(file: string, from: number, to: number): FindingRef[] {
    const list = this.byFile.get(file) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.line < from) lo = mid + 1;
      else hi = mid;
    }
    const out: FindingRef[] = [];
    for (let i = lo; i < list.length && list[i]!.line <= to; i++) out.push({ index: list[i]!.index, finding: this.findings[list[i]!.index]! });
    return out;
  }

  /** The next (dir 1) or previous (dir -1) finding from `line` in `file`, of `kind` when given; wraps around. */
  next(file: string, line: number, dir: 1 | -1, kind?: string): FindingRef | undefined {
    const list = (this.byFile.get(file) ?? []).filter((l) => kind === undefined || this.findings[l.index]!.kind === kind);
    if (list.length === 0) return undefined;
    let pick: Located | undefined;
    if (dir === 1) pick = list.find((l) => l.line > line) ?? list[0];
    else pick = [...list].reverse().find((l) => l.line < line) ?? list[list.length - 1];
    return pick ? { index: pick.index, finding: this.findings[pick.index]! } : undefined;
  }

  /** Files that have findings. */
  files(): string[] {
    return [...this.byFile.keys()];
  }
}
