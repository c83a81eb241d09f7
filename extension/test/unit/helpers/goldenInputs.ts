// The inputs of the golden tests: every text and trace.dat file of samples/ and of the shared corpus
// (one analysis each), plus the log + trace groups that are analysed together. The golden file of an
// input is the exact `iolens analyze --format json` output, kept in extension/test/golden/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { corpusDir, repoRoot, samplesDir } from './paths';

export interface GoldenInput {
  /** Golden file name (without .json). */
  readonly name: string;
  /** Paths relative to the repository root, as given on the command line. */
  readonly paths: readonly string[];
  /** Needs ../shared/corpus. */
  readonly corpus: boolean;
}

export const goldenDir = path.join(repoRoot, 'extension', 'test', 'golden');

const INPUT = /\.(txt|log|dat)$/;

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'record' && e !== 'tools') walk(p, out);
    } else if (INPUT.test(e)) out.push(p);
  }
}

function rel(p: string): string {
  return path.relative(repoRoot, p);
}

function nameOf(paths: readonly string[]): string {
  return paths.map((p) => p.replace(/^\.\.\/shared\//, 'shared/').replace(/[/\\]/g, '__')).join('+');
}

export function goldenInputs(): GoldenInput[] {
  const files: string[] = [];
  walk(samplesDir, files);
  const out: GoldenInput[] = files.map((f) => ({ name: nameOf([rel(f)]), paths: [rel(f)], corpus: false }));
  const groups: string[][] = [
    ['samples/20-btrfs-hang/dmesg-hung-tasks.txt', 'samples/20-btrfs-hang/trace.txt'],
    ['samples/21-btrfs-ordered-wait/dmesg-hung-tasks.txt', 'samples/21-btrfs-ordered-wait/trace.txt', 'samples/21-btrfs-ordered-wait/blocked-tasks.txt'],
  ];
  for (const g of groups) out.push({ name: nameOf(g), paths: g, corpus: false });
  if (existsSync(corpusDir)) {
    const cfiles: string[] = [];
    walk(corpusDir, cfiles);
    for (const f of cfiles) out.push({ name: nameOf([rel(f)]), paths: [rel(f)], corpus: true });
    const cgroups = [
      ['05b-xfs-blocked-tasks-fsfreeze/dmesg.txt', '05b-xfs-blocked-tasks-fsfreeze/report.txt'],
      ['04-btrfs-io-errors/dmesg.txt', '04-btrfs-io-errors/trace.txt'],
    ].map((g) => g.map((f) => rel(path.join(corpusDir, f))));
    for (const g of cgroups) if (g.every((p) => existsSync(path.join(repoRoot, p)))) out.push({ name: nameOf(g), paths: g, corpus: true });
  }
  return out;
}
