/**
 * The typed protocol between the extension host and the iolens webview panel, on the shared envelope
 * (envelope.ts): the host notifies the page what to show; the page notifies the host when it is ready
 * and asks it to reveal lines. The host validates everything that comes from the webview
 * (`parseFromWebview`): the page is untrusted territory (it renders text from traces).
 */
import type { LatencyGroup, LifecycleGraph, RequestChain } from '../engine/contracts/query';
import type { AnalysisReport, RequestLayer } from '../engine/contracts/report';
import type { NotifyOf } from './envelope';

/** The protocol version the page and the host must agree on (sent with `ready`). */
export const WEBVIEW_PROTOCOL_VERSION = 3;

/** The sections of the panel a command can bring into view. */
export type PanelSection = 'summary' | 'findings' | 'lifecycle' | 'tasks' | 'latency';

/** Host -> webview notifications. */
export interface ToWebviewNotifications {
  /** Show this report. */
  readonly showReport: { readonly title: string; readonly report: AnalysisReport };
  /** Show the requests of a line: their lifecycle graphs (one per root request) and chains (the text form). */
  readonly showLifecycle: { readonly file: string; readonly line: number; readonly chains: readonly RequestChain[]; readonly graphs: readonly LifecycleGraph[]; readonly expand: readonly RequestLayer[] };
  /** Show the latency distributions of the session. */
  readonly showLatency: { readonly groups: readonly LatencyGroup[] };
  /** Scroll a section into view. */
  readonly focus: { readonly section: PanelSection };
}

/** Webview -> host notifications. */
export interface FromWebviewNotifications {
  /** The page is loaded and listening; `version` is WEBVIEW_PROTOCOL_VERSION of the page. */
  readonly ready: { readonly version: number };
  /** Reveal a line of a file (a finding, a task or a graph node was clicked); only files of the shown report are opened. */
  readonly revealLine: { readonly file: string; readonly line: number };
  /** Show the lifecycle of the requests of a line (a finding was selected, a folded layer expanded). */
  readonly showLifecycleAt: { readonly file: string; readonly line: number; readonly expand: readonly RequestLayer[] };
}

export type ToWebviewMessage = NotifyOf<ToWebviewNotifications>;
export type FromWebviewMessage = NotifyOf<FromWebviewNotifications>;

/** What a view calls to ask the host to reveal a line. */
export type RevealLine = (file: string, line: number) => void;

/** The request layers a page may ask to expand (RequestLayer). */
const LAYERS: readonly RequestLayer[] = ['syscall', 'io_uring', 'fs', 'block', 'ordered-extent'];

/** Validates an untrusted message from the webview; undefined when it is not one we know. */
export function parseFromWebview(msg: unknown): FromWebviewMessage | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if (m['kind'] !== 'notify' || typeof m['params'] !== 'object' || m['params'] === null) return undefined;
  const p = m['params'] as Record<string, unknown>;
  if (m['method'] === 'ready' && typeof p['version'] === 'number') return { kind: 'notify', method: 'ready', params: { version: p['version'] } };
  const fileLine = typeof p['file'] === 'string' && p['file'].length < 4096 && typeof p['line'] === 'number' && Number.isInteger(p['line']) && p['line'] > 0;
  if (m['method'] === 'revealLine' && fileLine) return { kind: 'notify', method: 'revealLine', params: { file: p['file'] as string, line: p['line'] as number } };
  if (m['method'] === 'showLifecycleAt' && fileLine) {
    const expand = p['expand'];
    if (!Array.isArray(expand) || expand.length > LAYERS.length || !expand.every((l): l is RequestLayer => typeof l === 'string' && (LAYERS as readonly string[]).includes(l))) return undefined;
    return { kind: 'notify', method: 'showLifecycleAt', params: { file: p['file'] as string, line: p['line'] as number, expand } };
  }
  return undefined;
}

/**
 * What the page keeps with `setState` (and VS Code hands the serializer after a reload): the file the panel
 * shows and its title, never the report (it is analysed again from the file).
 */
export interface PanelState {
  readonly kind: 'iolens-panel';
  readonly file: string;
  readonly title: string;
}

/** Validates a state restored by VS Code (it comes from the untrusted page). */
export function parsePanelState(state: unknown): PanelState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (s['kind'] !== 'iolens-panel' || typeof s['file'] !== 'string' || typeof s['title'] !== 'string') return undefined;
  if (s['file'].length === 0 || s['file'].length > 4096 || s['title'].length > 4096) return undefined;
  return { kind: 'iolens-panel', file: s['file'], title: s['title'] };
}
