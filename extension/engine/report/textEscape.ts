/**
 * textEscape: makes text from an input safe for a terminal and for one-line messages. Every control
 * character (C0 including tab, DEL, C1) is shown as a `\x1b`-style escape, so a trace cannot retitle,
 * recolour or move the cursor of the terminal that prints it; a backslash is doubled so escapes stay
 * unambiguous. Tabs are kept in multi-line text (`keepTabs`), never newlines.
 *
 * The text renderers build their output as lines and escape each whole line (`textLines`): whatever part of
 * a line came from the input (a path, a task or buffer name, an event name, a message quoting a payload),
 * the only raw control character of the result is the newline between lines.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\\]/g;
const CONTROL_ONLY = /[\u0000-\u001f\u007f-\u009f]/g;

function hex(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

export function escapeText(text: string, keepTabs = false): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\\') return '\\\\';
    if (keepTabs && c === '\t') return c;
    return hex(c);
  });
}

/**
 * Escapes control characters but leaves backslashes alone: for a message whose input parts were quoted
 * already (an IngestError's path), so that it stays one line without escaping its escapes twice.
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_ONLY, hex);
}

/** The lines of a text report, each escaped (escapeText), joined by newlines, with a final newline. */
export function textLines(lines: readonly string[]): string {
  let out = '';
  for (const l of lines) out += escapeText(l) + '\n';
  return out;
}
