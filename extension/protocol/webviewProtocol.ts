/**
 * The typed message protocol between the extension host and the summary webview.
 * The host validates everything that comes from the webview (see `parseFromWebview`).
 */
import type { AnalysisReport } from '../engine/contracts/report';

/** Host -> webview: show this report. */
export interface ShowReportMessage {
  readonly type: 'showReport';
  readonly title: string;
  readonly report: AnalysisReport;
}

export type ToWebviewMessage = ShowReportMessage;

/** Webview -> host: the page is loaded and listening. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/**
 * Webview -> host: reveal a line of a file (a finding, a task or a graph node was clicked). The host
 * accepts only the files of the report it showed.
 */
export interface RevealLineMessage {
  readonly type: 'revealLine';
  readonly file: string;
  readonly line: number;
}

export type FromWebviewMessage = ReadyMessage | RevealLineMessage;

/** What a view calls to post a `revealLine` message. */
export type RevealLine = (file: string, line: number) => void;

/** Validates an untrusted message from the webview; returns undefined when it is not one we know. */
export function parseFromWebview(msg: unknown): FromWebviewMessage | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if (m['type'] === 'ready') return { type: 'ready' };
  if (m['type'] === 'revealLine' && typeof m['file'] === 'string' && typeof m['line'] === 'number' && Number.isInteger(m['line']) && m['line'] > 0) {
    return { type: 'revealLine', file: m['file'], line: m['line'] };
  }
  return undefined;
}
