/**
 * escapeHtml: the one HTML escaper of iolens (the HTML report's markup builder, and the host's fallback page
 * of a panel it cannot restore). Pure and dependency-free, so every layer may use it.
 */

const META = /[&<>"']/g;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text (or an attribute value) as HTML: metacharacters as entities, control characters as visible escapes. */
export function escapeHtml(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(META, (c) => ENTITY[c]!);
}
