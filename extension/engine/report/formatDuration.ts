/**
 * formatDuration: the one way iolens words a duration for people: `86.2 µs`, `1.240 ms`, `3.000 s`,
 * `640 ns` (µs with one decimal, ms and s with three, so equal precision reads equally everywhere). Used by
 * messages (time going backwards), lifecycle graphs, CodeLens titles and inlay hints. A raw counter clock
 * (`trace_clock=counter`, x86-tsc) has no unit of time: its values are shown as ticks. `formatBytes` is its
 * companion for sizes, exact in every case.
 */

/** A duration in ns (or ticks when `unitsPerSecond` is not 1e9: a counter clock) in words. */
export function formatDuration(ns: number, unitsPerSecond = 1e9): string {
  if (unitsPerSecond !== 1e9) return `${ns} tick${Math.abs(ns) === 1 ? '' : 's'}`;
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(3)} s`;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(3)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${ns} ns`;
}

const UNITS: ReadonlyArray<readonly [number, string]> = [
  [2 ** 40, 'TiB'],
  [2 ** 30, 'GiB'],
  [2 ** 20, 'MiB'],
  [2 ** 10, 'KiB'],
];

/** Bytes in words, always exact: `512 B`, `4 KiB`, `1.5 MiB`, `5000 B` (a binary unit only when exact to one decimal). */
export function formatBytes(bytes: number): string {
  const a = Math.abs(bytes);
  for (const [div, name] of UNITS) {
    if (a < div) continue;
    const x = bytes / div;
    if (Number.isInteger(x * 10)) return `${x} ${name}`;
  }
  return `${bytes} B`;
}
