/**
 * DOM builders of the summary webview. `el` makes an HTML element, `svgEl` an SVG element. Text from a
 * report only ever goes in through `textContent` (or `setAttribute` for SVG geometry and titles), never
 * as markup: trace and kernel-log content is untrusted (a task can be called `<img onerror=...>`).
 */

/** An HTML element with optional text (set as `textContent`) and class. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes (set one by one with `setAttribute`, values as text). */
export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}
