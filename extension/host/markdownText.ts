/**
 * markdownText: the host's text helpers for hovers and labels. Everything that comes from a trace (task
 * names, payloads, messages) goes through `mdText` before it enters markdown, so it can never become
 * markup, an image or a link; durations and sizes are formatted one way everywhere. vscode-free.
 */

/** Markdown and HTML metacharacters, escaped with a backslash (or an entity for `<`, `>`, `&`). */
const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!|~=:]/g;

/** Plain text as markdown text: no markup, no HTML, no links, one line. */
export function mdText(text: string, max = 400): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MD_SPECIAL, (c) => `\\${c}`);
}

/** A markdown link to a command with JSON arguments (the command must be enabled on the MarkdownString). */
export function commandLink(label: string, command: string, args: readonly unknown[], tooltip?: string): string {
  const uri = `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
  const title = tooltip !== undefined ? ` "${tooltip.replace(/["\\]/g, '').replace(/[\u0000-\u001f]/g, ' ')}"` : '';
  return `[${label}](${uri}${title})`;
}

/** A duration in ns, with a unit that keeps 3 significant digits: `86.2 µs`, `1.24 ms`, `2.51 s`. */
export function formatNs(ns: number): string {
  const a = Math.abs(ns);
  const sign = ns < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ns`;
  if (a < 1e6) return `${sign}${sig(a / 1e3)} µs`;
  if (a < 1e9) return `${sign}${sig(a / 1e6)} ms`;
  return `${sign}${sig(a / 1e9)} s`;
}

/** A signed offset: `+86.2 µs`. */
export function formatOffset(ns: number): string {
  return ns >= 0 ? `+${formatNs(ns)}` : formatNs(ns);
}

function sig(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

/** Bytes in binary units: `512 B`, `4 KiB`, `1.5 MiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
