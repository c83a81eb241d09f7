/**
 * The one module through which the webview uses its UI control set (@vscode/webview-ui-toolkit, loaded
 * by the page as a module script that registers its elements). The toolkit's repository is archived;
 * to swap it (for example for @vscode-elements/elements) change this module alone.
 */

/** A small pill showing a count or state. */
export function badge(text: string): HTMLElement {
  const el = document.createElement('vscode-badge');
  el.textContent = text;
  return el;
}

/** A horizontal rule between sections. */
export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}

/** A link-styled control; the handler is attached with addEventListener (no inline handlers). */
export function link(text: string, onClick: () => void): HTMLElement {
  const el = document.createElement('vscode-link');
  el.textContent = text;
  el.setAttribute('href', '#');
  el.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return el;
}

/** A text input (`vscode-text-field`): `value` reads and sets it; 'input' and 'keydown' events reach the element. */
export type TextField = HTMLElement & { value: string; placeholder: string };

export function textField(placeholder: string, ariaLabel: string): TextField {
  const el = document.createElement('vscode-text-field') as TextField;
  el.setAttribute('placeholder', placeholder);
  el.setAttribute('aria-label', ariaLabel);
  return el;
}

/**
 * A button (`vscode-button`, secondary look unless `primary`); `pressed` shows a toggle's state (primary look
 * and `aria-pressed`).
 */
export function button(text: string, onClick: (() => void) | undefined, opts: { className?: string; ariaLabel?: string; primary?: boolean } = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = text;
  el.setAttribute('appearance', opts.primary ? 'primary' : 'secondary');
  if (opts.className) el.className = opts.className;
  if (opts.ariaLabel) el.setAttribute('aria-label', opts.ariaLabel);
  if (onClick) el.addEventListener('click', () => onClick());
  return el;
}

/** Shows a toggle button's state: pressed is the primary look. */
export function setPressed(el: HTMLElement, pressed: boolean): void {
  el.setAttribute('aria-pressed', String(pressed));
  el.setAttribute('appearance', pressed ? 'primary' : 'secondary');
}
