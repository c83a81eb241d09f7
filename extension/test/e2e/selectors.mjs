// Every DOM selector and UI string the Playwright UI test relies on, in one place. The workbench selectors
// were checked against VS Code 1.100.3 (code-server 4.100.3); the iolens ones come from the extension's
// package.json and its summary webview, and change with them.

/** Extension and language identity (package.json). */
export const iolens = {
  extensionId: 'iolens.iolens',
  ftraceAlias: 'Ftrace / trace-cmd',
  kernelLogAlias: 'Kernel log',
  statusPrefix: 'iolens',
  commands: { showSummary: 'iolens: Show Panel', analyze: 'iolens: Analyze Trace' },
  summaryTitle: (fileName) => `iolens: ${fileName}`,
};

/** The summary webview's DOM (inside the inner iframe). Ids agreed with the lead. */
export const summary = {
  table: '#iolens-summary',
  rows: '#iolens-summary tr',
  /** Blocked tasks section (hidden when the report has no tasks), its group rows and their parts. */
  blocked: '#iolens-blocked',
  taskGroup: '#iolens-task-groups details.task-group',
  taskGroupSummary: '#iolens-task-groups details.task-group > summary',
  taskGroupTitle: '#iolens-task-groups .task-group-title',
  taskName: '#iolens-task-groups .task-name',
  /** Wait-for graph section and its SVG; nodes carry `data-kind` (task, resource, ordered-extent, bio) and `data-id`. */
  graph: '#iolens-graph',
  graphSvg: '#iolens-wait-graph svg.wg',
  graphNode: (kind) => `#iolens-wait-graph g.wg-node[data-kind="${kind}"]`,
  graphNodeById: (id) => `#iolens-wait-graph g.wg-node[data-id="${id}"]`,
};

/** VS Code workbench. */
export const wb = {
  workbench: '.monaco-workbench',
  explorerRow: '.explorer-folders-view .monaco-list-row',
  quickInput: '.quick-input-widget',
  quickInputBox: '.quick-input-widget .quick-input-box input',
  quickInputRow: '.quick-input-widget .monaco-list-row',
  editorTab: '.tabs-container .tab',
  activeEditorTab: '.tabs-container .tab.active',
  editorLines: '.monaco-editor .view-lines .view-line',
  statusLanguageMode: '#status\\.editor\\.mode',
  /** "Ln 12, Col 1" of the active editor. */
  statusSelection: '#status\\.editor\\.selection',
  statusProblems: '#status\\.problems',
  statusItem: '.statusbar-item',
  markersRow: '.markers-panel .monaco-list-row',
  /** The outer webview iframe of an extension (VS Code serves one per webview). */
  webviewOuter: (extensionId) => `iframe.webview.ready[src*="extensionId=${extensionId}"]`,
  webviewInner: 'iframe#active-frame',
  titleBar: '.window-title, .titlebar .window-title',
  /** Command palette entry that closes every editor (not "… in Group"), and a pattern for its row. */
  closeAllEditors: 'View: Close All Editors',
  closeAllEditorsRow: /View: Close All Editors(?! in Group)/,
};

/** Keyboard shortcuts (Linux keymap of the web workbench). */
export const keys = {
  quickOpen: 'Control+P',
  commandPalette: 'F1',
  problems: 'Control+Shift+M',
};
