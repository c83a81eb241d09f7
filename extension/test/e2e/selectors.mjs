// Every DOM selector and UI string the Playwright UI test relies on, in one place. The workbench selectors
// were checked against VS Code 1.100.3 (code-server 4.100.3); the iolens ones come from the extension's
// package.json and its summary webview, and change with them.

/** Extension and language identity (package.json). */
export const iolens = {
  extensionId: 'iolens.iolens',
  displayName: 'iolens: Linux kernel I/O trace analysis',
  ftraceAlias: 'Ftrace / trace-cmd',
  kernelLogAlias: 'Kernel log',
  statusPrefix: 'iolens',
  commands: {
    showSummary: 'iolens: Show Panel',
    analyze: 'iolens: Analyze Trace',
    filterEvents: 'iolens: Filter Events…',
    nextWindow: 'iolens: Show Next Lines of the Large Trace',
    previousWindow: 'iolens: Show Previous Lines of the Large Trace',
    showRequestLifecycle: 'iolens: Show Request Lifecycle',
  },
  summaryTitle: (fileName) => `iolens: ${fileName}`,
  /** The first choice of Filter Events… (its icon is a codicon, not text). */
  filterByTasks: 'Tasks',
  /** Outline groups of a trace. */
  traceOutlineGroups: ['Findings', 'Devices', 'Tasks', 'CPUs'],
  /** CodeLenses at the top of a large-trace view and at the end of its window. */
  largeViewLenses: ['Go to Line…', 'Go to Time…', 'Go to Finding…'],
  nextLinesLens: 'Next lines',
  /** The top CodeLens of a filtered view that opens the cursor's line in the trace it filters. */
  openInSourceLens: (label) => `Open in ${label} at the cursor`,
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
  /** The editor group with focus, and a text editor in it (a split has one group per side). */
  activeGroup: '.editor-group-container.active',
  textEditor: '.monaco-editor',
  /** The label of a quick input row (without its keybinding or description). */
  quickInputRowLabel: '.label-name',
  quickInputTitle: '.quick-input-widget .quick-input-title',
  activityBar: '.part.activitybar',
  sideBar: '.part.sidebar',
  editorPart: '.part.editor',
  /** The sash between two side-by-side editor groups. */
  editorGroupSash: '.part.editor .monaco-grid-view .monaco-sash.vertical',
  /** An editor's content hover (not the workbench's tooltips, which also use .monaco-hover), and the
   * part rendered from a hover provider's markdown (the diagnostics at the line are another part). */
  editorHover: '.monaco-editor .monaco-resizable-hover > .monaco-hover',
  hoverMarkdownPart: '.markdown-hover',
  /** Side bar sections (Explorer folders, Outline) and the Outline's rows. */
  paneHeader: (label) => `.pane-header[aria-label^="${label}"]`,
  explorerSection: 'Explorer Section',
  outlineSection: 'Outline Section',
  outlineRow: '.outline-pane .monaco-list-row',
  collapseAll: '.action-label[aria-label="Collapse All"]',
  markersFilterInput: '.part.panel input[aria-label="Filter Problems"]',
  problemsCollapseAll: '.part.panel .action-label.codicon-collapse-all',
  resizableHover: '.monaco-editor .monaco-resizable-hover',
  settingsEditor: '.settings-editor',
  settingsSearch: '.settings-editor .search-container .suggest-input-container',
  settingItem: '.settings-editor .setting-item-contents',
  /** The button of VS Code's "file is very large" placeholder editor. */
  openAnyway: 'Open Anyway',
  notificationToast: '.notifications-toasts .notification-list-item',
  statusLanguageMode: '#status\\.editor\\.mode',
  /** "Ln 12, Col 1" of the active editor. */
  statusSelection: '#status\\.editor\\.selection',
  statusProblems: '#status\\.problems',
  statusItem: '.statusbar-item',
  markersRow: '.markers-panel .monaco-list-row',
  /** A row of the Extensions view. */
  extensionRow: '.extensions-viewlet .monaco-list-row',
  extensionsSearch: '.extensions-viewlet .suggest-input-container',
  /** The header of an extension's page (name, id, version). */
  extensionEditorHeader: '.extension-editor > .header',
  /** The outer webview iframe of an extension (VS Code serves one per webview). */
  webviewOuter: (extensionId) => `iframe.webview.ready[src*="extensionId=${extensionId}"]`,
  webviewInner: 'iframe#active-frame',
  titleBar: '.window-title, .titlebar .window-title',
  /** Command palette entry that closes every editor (not "… in Group"), and a pattern for its row. */
  closeAllEditors: 'View: Close All Editors',
  closeAllEditorsRow: /View: Close All Editors(?! in Group)/,
  /** Commands run by their exact palette title. */
  commands: {
    focusProblems: 'Problems: Focus on Problems View',
    hidePanel: 'View: Hide Panel',
    focusOutline: 'Explorer: Focus on Outline View',
    colorTheme: 'Preferences: Color Theme',
    openSettings: 'Preferences: Open User Settings',
    clearNotifications: 'Notifications: Clear All Notifications',
    closeAllEditors: 'View: Close All Editors',
    closeEditor: 'View: Close Editor',
    focusEditor: 'View: Focus Active Editor Group',
    toggleSideBar: 'View: Toggle Primary Side Bar Visibility',
    focusExtensions: 'Extensions: Focus on Extensions View',
    showExplorer: 'View: Show Explorer',
  },
  /** Themes of the screenshots, and the class the workbench gets for each. */
  themes: {
    light: { name: 'Light Modern', workbenchClass: 'vscode-theme-defaults-themes-light_modern-json' },
    dark: { name: 'Dark Modern', workbenchClass: 'vscode-theme-defaults-themes-dark_modern-json' },
  },
  /** High-contrast themes: the panel's scenes are shot in these too (not the whole set of scenes). */
  highContrast: {
    hcDark: { name: 'Dark High Contrast', workbenchClass: 'vscode-theme-defaults-themes-hc_black-json' },
    hcLight: { name: 'Light High Contrast', workbenchClass: 'vscode-theme-defaults-themes-hc_light-json' },
  },
};

/** Keyboard shortcuts (Linux keymap of the web workbench). */
export const keys = {
  quickOpen: 'Control+P',
  commandPalette: 'F1',
  /** Toggles the Problems panel (the tests open it with wb.commands.focusProblems). */
  problems: 'Control+Shift+M',
  goToLine: 'Control+G',
  /** Chords: Fold All is Ctrl+K Ctrl+0. */
  foldAll: ['Control+K', 'Control+0'],
  unfoldAll: ['Control+K', 'Control+J'],
  editorEnd: 'Control+End',
  editorHome: 'Control+Home',
};
