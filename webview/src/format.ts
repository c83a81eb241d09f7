/**
 * format: how the panel writes numbers for people: durations from nanoseconds (`ns`), and text widths in
 * the panel's font for sizing graph nodes (`textMeasurer`).
 */

/** A duration in ns as `850 ns`, `12.3 µs`, `4.56 ms` or `1.23 s`. */
export function ns(v: number): string {
  if (v < 1e3) return `${Math.round(v)} ns`;
  if (v < 1e6) return `${(v / 1e3).toFixed(1)} µs`;
  if (v < 1e9) return `${(v / 1e6).toFixed(2)} ms`;
  return `${(v / 1e9).toFixed(2)} s`;
}

/** Text width in the panel's font (canvas measureText), or an estimate when no 2D context exists. */
export function textMeasurer(): (text: string, px: number) => number {
  const ctx = document.createElement('canvas').getContext('2d');
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  return (text, px) => {
    if (!ctx) return text.length * px * 0.6;
    ctx.font = `${px}px ${family}`;
    return ctx.measureText(text).width;
  };
}
