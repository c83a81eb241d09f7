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
