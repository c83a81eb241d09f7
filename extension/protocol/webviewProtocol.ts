/**
 * The typed protocol between the extension host and the iolens webview panel, on the shared envelope
 * (envelope.ts): the host notifies the page what to show; the page notifies the host when it is ready
 * and asks it to reveal lines, and requests pages of the event table (replies carry typed-array columns).
 * The host validates everything that comes from the webview (`parseFromWebview`): the page is untrusted
 * territory (it renders text from traces).
 */
import type { EventFilter, EventPage, LaneBy, LatencyGroup, LifecycleGraph, RequestChain, RowIndex, TimelineBars, TimelineLanes, TimelineOverview } from '../engine/contracts/query';
import type { AnalysisReport, RequestLayer } from '../engine/contracts/report';
import type { NotifyOf, ReplyMessage, RequestOf } from './envelope';

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
  /** The editor's cursor moved to `line` of `file` (the event table selects the event there). */
  readonly cursor: { readonly file: string; readonly line: number };
}

/** Webview -> host requests (the event table), answered with a reply of the same id. */
export interface PanelMethods {
  /** A page of the events matching `filter`, as columns. */
  readonly eventsPage: { readonly params: { readonly filter: EventFilter; readonly offset: number; readonly limit: number }; readonly result: EventPage | null };
  /** Where source line `line` falls among the events matching `filter`. */
  readonly rowIndexOfLine: { readonly params: { readonly filter: EventFilter; readonly line: number }; readonly result: RowIndex | null };
  /** The timeline's lanes (block devices or tasks). */
  readonly timelineLanes: { readonly params: { readonly by: LaneBy }; readonly result: TimelineLanes | null };
  /** The bars of a window of the timeline (ns since the first event) at `widthPx` columns. */
  readonly timeline: { readonly params: { readonly by: LaneBy; readonly fromNs: number; readonly toNs: number; readonly widthPx: number }; readonly result: TimelineBars | null };
  /** Event density over the whole trace and the findings' times. */
  readonly overview: { readonly params: { readonly bins: number }; readonly result: TimelineOverview | null };
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

export type ToWebviewMessage = NotifyOf<ToWebviewNotifications> | ReplyMessage;
export type FromWebviewMessage = NotifyOf<FromWebviewNotifications> | RequestOf<PanelMethods>;
export type PanelRequest = RequestOf<PanelMethods>;

/** Rows a page may ask for. */
export const MAX_PAGE_ROWS = 1000;
const MAX_LIST = 1000;
const MAX_TEXT = 4096;

const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** An event filter from the page: every field checked for type and size; unknown fields dropped. */
export function parseEventFilter(raw: unknown): EventFilter | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const f = raw as Record<string, unknown>;
  const out: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
  const strings = (k: 'events' | 'comms' | 'devices'): boolean => {
    const v = f[k];
    if (v === undefined) return true;
    if (!Array.isArray(v) || v.length > MAX_LIST || !v.every((x) => typeof x === 'string' && x.length <= MAX_TEXT)) return false;
    out[k] = v as string[];
    return true;
  };
  const ints = (k: 'pids' | 'cpus' | 'inodes' | 'requests' | 'findings'): boolean => {
    const v = f[k];
    if (v === undefined) return true;
    if (!Array.isArray(v) || v.length > MAX_LIST || !v.every((x) => isInt(x, k === 'pids' ? -1 : 0))) return false;
    out[k] = v as number[];
    return true;
  };
  if (!strings('events') || !strings('comms') || !strings('devices')) return undefined;
  if (!ints('pids') || !ints('cpus') || !ints('inodes') || !ints('requests') || !ints('findings')) return undefined;
  for (const k of ['from', 'to'] as const) {
    const v = f[k];
    if (v === undefined) continue;
    if (!isFiniteNumber(v)) return undefined;
    out[k] = v;
  }
  for (const k of ['fromLine', 'toLine'] as const) {
    const v = f[k];
    if (v === undefined) continue;
    if (!isInt(v, 1)) return undefined;
    out[k] = v;
  }
  if (f['text'] !== undefined) {
    if (typeof f['text'] !== 'string' || f['text'].length > MAX_TEXT) return undefined;
    out.text = f['text'];
  }
  if (f['textIgnoreCase'] !== undefined) {
    if (typeof f['textIgnoreCase'] !== 'boolean') return undefined;
    out.textIgnoreCase = f['textIgnoreCase'];
  }
  if (f['latency'] !== undefined) {
    const l = f['latency'] as Record<string, unknown> | null;
    if (typeof l !== 'object' || l === null) return undefined;
    const layer = l['layer'];
    if (typeof layer !== 'string' || !(LAYERS as readonly string[]).includes(layer)) return undefined;
    if (typeof l['op'] !== 'string' || l['op'].length > 200 || typeof l['device'] !== 'string' || l['device'].length > 64) return undefined;
    if (typeof l['stage'] !== 'string' || !STAGES.includes(l['stage'])) return undefined;
    if (!isFiniteNumber(l['loNs']) || !isFiniteNumber(l['hiNs']) || l['loNs'] < 0 || l['hiNs'] <= l['loNs']) return undefined;
    out.latency = { layer: layer as RequestLayer, op: l['op'], device: l['device'], stage: l['stage'], loNs: l['loNs'], hiNs: l['hiNs'] };
  }
  return out;
}

/** Validates an untrusted request of the page (shape and sizes; the host checks the meaning). */
function parseRequest(m: Record<string, unknown>, p: Record<string, unknown>): PanelRequest | undefined {
  const id = m['id'];
  if (!isInt(id, 1)) return undefined;
  const by = p['by'];
  const lanesBy = by === 'device' || by === 'task';
  if (m['method'] === 'timelineLanes' && lanesBy) return { kind: 'request', id, method: 'timelineLanes', params: { by } };
  if (m['method'] === 'timeline' && lanesBy && isFiniteNumber(p['fromNs']) && isFiniteNumber(p['toNs']) && p['fromNs'] < p['toNs'] && isInt(p['widthPx'], 1, 8192)) {
    return { kind: 'request', id, method: 'timeline', params: { by, fromNs: p['fromNs'], toNs: p['toNs'], widthPx: p['widthPx'] } };
  }
  if (m['method'] === 'overview' && isInt(p['bins'], 1, 4096)) return { kind: 'request', id, method: 'overview', params: { bins: p['bins'] } };
  const filter = parseEventFilter(p['filter']);
  if (filter === undefined) return undefined;
  if (m['method'] === 'eventsPage' && isInt(p['offset'], 0, 2 ** 32) && isInt(p['limit'], 1, MAX_PAGE_ROWS)) {
    return { kind: 'request', id, method: 'eventsPage', params: { filter, offset: p['offset'], limit: p['limit'] } };
  }
  if (m['method'] === 'rowIndexOfLine' && isInt(p['line'], 1)) return { kind: 'request', id, method: 'rowIndexOfLine', params: { filter, line: p['line'] } };
  return undefined;
}

/** What a view calls to ask the host to reveal a line. */
export type RevealLine = (file: string, line: number) => void;

/** The request layers a page may name (RequestLayer). */
const LAYERS: readonly RequestLayer[] = ['syscall', 'io_uring', 'fs', 'block', 'ordered-extent'];
/** Latency stages: a request's total, or a btt stage. */
const STAGES: readonly string[] = ['total', 'Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'];

/** Validates an untrusted message from the webview; undefined when it is not one we know. */
export function parseFromWebview(msg: unknown): FromWebviewMessage | undefined {
  if (typeof msg !== 'object' || msg === null) return undefined;
  const m = msg as Record<string, unknown>;
  if ((m['kind'] !== 'notify' && m['kind'] !== 'request') || typeof m['params'] !== 'object' || m['params'] === null) return undefined;
  const p = m['params'] as Record<string, unknown>;
  if (m['kind'] === 'request') return parseRequest(m, p);
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
  /** The event table's filter inputs as typed (the page restores them itself; the host ignores them). */
  readonly table?: Readonly<Record<string, string>>;
  /** The line of the table's selected row (restored by the page: the row of that line is selected again). */
  readonly selectedLine?: number;
  /** The line whose request lifecycle was shown (the page asks for it again with `showLifecycleAt`). */
  readonly lifecycleLine?: number;
}

/** Validates a state restored by VS Code (it comes from the untrusted page). */
export function parsePanelState(state: unknown): PanelState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  if (s['kind'] !== 'iolens-panel' || typeof s['file'] !== 'string' || typeof s['title'] !== 'string') return undefined;
  if (s['file'].length === 0 || s['file'].length > 4096 || s['title'].length > 4096) return undefined;
  return { kind: 'iolens-panel', file: s['file'], title: s['title'] };
}
