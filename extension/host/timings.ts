/**
 * Timings: durations the extension measures about itself (hover answers, diagnostics after open, window
 * moves), kept as samples so the end-to-end harness can report percentiles (`iolens.debug.timings`).
 */
export class Timings {
  private readonly samples = new Map<string, number[]>();

  add(name: string, ms: number): void {
    let list = this.samples.get(name);
    if (!list) this.samples.set(name, (list = []));
    list.push(ms);
    if (list.length > 10_000) list.splice(0, list.length - 10_000);
  }

  /** Per name: count, p50, p95, max (ms). */
  summary(): Record<string, { n: number; p50: number; p95: number; max: number }> {
    const out: Record<string, { n: number; p50: number; p95: number; max: number }> = {};
    for (const [name, list] of this.samples) {
      const s = [...list].sort((a, b) => a - b);
      const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))] ?? 0;
      out[name] = { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? 0 };
    }
    return out;
  }

  clear(): void {
    this.samples.clear();
  }
}
