/**
 * textEscape: makes text from an input safe for a terminal and for one-line messages. Every control
 * character (C0, DEL, C1) is shown as a `\x1b`-style escape, so a trace cannot retitle, recolour or move
 * the cursor of the terminal that prints it; a backslash is doubled so escapes stay unambiguous.
 * Tabs are kept in multi-line text (`keepTabs`), never newlines.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\\]/g;

export function escapeText(text: string, keepTabs = false): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\\') return '\\\\';
    if (keepTabs && c === '\t') return c;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
