/**
 * eventTable: a virtual table over every event of a trace (1.6 M rows for corpus 06), as an ARIA grid.
 * The page never holds the trace: rows come in pages of PAGE_ROWS from the host (the engine worker), as
 * typed-array columns, kept in a small LRU cache; only the rows in view are in the DOM. A filter bar
 * (text as `grep -F`, event names, pid, CPU, device, inode, request ids, a time range from the first event)
 * sets the engine's filter and shows the matching total; its inputs are kept across a reload. The `req`
 * column names the request an event belongs to (the lowest layer when several share the line); clicking it
 * lists that request's events and those of the requests below it (its bios, block requests).
 * Browsers cap an element's height (about 16.7 M px in Chromium; 1.6 M rows x 22 px is 35 M), so the
 * scroll range is capped at MAX_SCROLL_PX and mapped linearly onto the rows. Selecting a row (click, or
 * Enter after moving with the arrow keys, Page Up/Down, Home/End) reveals its line in the editor (`r` lists
 * its request's events); moving
 * the editor's cursor selects the row of the event at or before it (`cursor`). Text is set with
 * `textContent` only.
 */
import type { EventFilter, EventPage, LatencyBin } from '../../extension/engine/contracts/query';
import { el } from './el';
import { ns } from './format';
import type { PanelHost } from './panelHost';
import { button, textField, type TextField } from './toolkit';

const ROW_H = 22;
const PAGE_ROWS = 200;
const CACHED_PAGES = 40;
const MAX_SCROLL_PX = 8_000_000;
const VIEW_ROWS = 18;

export type TableHost = PanelHost;

/** The filter bar's inputs as typed (kept across a reload with the page's state). */
export type TableInputs = Partial<Record<'text' | 'events' | 'pid' | 'cpu' | 'dev' | 'ino' | 'req' | 'from' | 'to', string>>;

export interface EventTable {
  readonly element: HTMLElement;
  /** The editor's cursor is on `line`: select the event there (or the last matching one before it). */
  cursor(line: number): void;
  /** Only the events of the requests of a latency bin (undefined: all again), shown as a removable chip. */
  setLatency(bin: LatencyBin | undefined, label?: string): void;
  /** Only the events of these requests and of the requests below them (a chain's root: the whole chain). */
  showRequests(ids: readonly number[]): void;
}

const COLUMNS = ['time (s)', 'delta', 'CPU', 'task', 'event', 'req', 'fields'] as const;
const REQ_COLUMN = COLUMNS.indexOf('req');

/** What the table restores after a reload and reports as it changes (kept in the page's state by main). */
export interface TableMemory {
  readonly inputs?: TableInputs;
  /** The line of the row selected before (selected again once the restored filter has its first page). */
  readonly selectedLine?: number;
  onInputs?(inputs: TableInputs): void;
  onSelect?(line: number): void;
}

export function createEventTable(file: string, host: TableHost, memory: TableMemory = {}): EventTable {
  const initial = memory.inputs ?? {};
  const root = el('div', undefined, 'ev-table');
  const bar = el('div', undefined, 'ev-filter');
  const text = filterInput('text', 'text in the line (like grep -F)', 'ev-filter-text');
  const events = filterInput('events', 'event names, comma-separated', 'ev-filter-events');
  const pid = filterInput('pid', 'pid', 'ev-filter-pid');
  const cpu = filterInput('CPU', 'CPU', 'ev-filter-cpu');
  const dev = filterInput('device', 'MAJ:MIN', 'ev-filter-dev');
  const ino = filterInput('inode', 'inode (decimal or 0x)', 'ev-filter-ino');
  const req = filterInput('request', 'request ids', 'ev-filter-req');
  const from = filterInput('from', 's since start', 'ev-filter-from');
  const to = filterInput('to', 's since start', 'ev-filter-to');
  bar.append(text.box, events.box, pid.box, cpu.box, dev.box, ino.box, req.box, from.box, to.box);
  const inputs = { text, events, pid, cpu, dev, ino, req, from, to } as const;
  for (const [k, f] of Object.entries(inputs)) f.input.value = initial[k as keyof TableInputs] ?? '';
  /** Absolute ns of the first event (times in the filter are absolute; the table shows them from the start). */
  let startAbsNs: number | undefined;
  const chip = el('div', undefined, 'ev-chip');
  chip.hidden = true;
  const status = el('div', 'Loading events…', 'ev-status muted');
  status.setAttribute('aria-live', 'polite');

  const grid = el('div', undefined, 'ev-grid');
  grid.setAttribute('role', 'grid');
  grid.setAttribute('aria-label', 'Events of the trace');
  grid.setAttribute('aria-rowcount', '1');
  grid.tabIndex = 0;
  const head = el('div', undefined, 'ev-row ev-head');
  head.setAttribute('role', 'row');
  head.setAttribute('aria-rowindex', '1');
  for (const c of COLUMNS) {
    const h = el('div', c, `ev-cell ev-c-${cssName(c)}`);
    h.setAttribute('role', 'columnheader');
    head.append(h);
  }
  const viewport = el('div', undefined, 'ev-viewport');
  viewport.style.height = `${VIEW_ROWS * ROW_H}px`;
  const spacer = el('div', undefined, 'ev-spacer');
  const layer = el('div', undefined, 'ev-layer');
  viewport.append(spacer, layer);
  grid.append(head, viewport);
  root.append(bar, chip, status, grid);
  let latency: LatencyBin | undefined;

  let filter: EventFilter = {};
  let generation = 0;
  let total = 0;
  let selected = -1;
  const pages = new Map<number, EventPage>();
  /** How long the last pages took from request to reply (ms, as the page sees it: host and worker), for the timing tests. */
  const pageMs: number[] = [];
  /** The row to select again after a reload, once the restored filter has its first page. */
  let restoreLine = memory.selectedLine;
  const loading = new Set<number>();

  const maxFirst = (): number => Math.max(0, total - VIEW_ROWS);
  const scrollRange = (): number => Math.min(total * ROW_H, MAX_SCROLL_PX);
  /** First row shown for the viewport's scrollTop (linear over the capped range). */
  const firstRow = (): number => {
    const range = scrollRange() - viewport.clientHeight;
    if (range <= 0) return 0;
    return Math.min(maxFirst(), Math.round((viewport.scrollTop / range) * maxFirst()));
  };
  const scrollToRow = (row: number): void => {
    const range = scrollRange() - viewport.clientHeight;
    viewport.scrollTop = maxFirst() === 0 ? 0 : (row / maxFirst()) * Math.max(0, range);
  };

  function page(index: number): EventPage | undefined {
    const p = pages.get(index);
    if (p) {
      pages.delete(index);
      pages.set(index, p);
    }
    return p;
  }

  function load(index: number): void {
    if (loading.has(index) || pages.has(index)) return;
    loading.add(index);
    const mine = generation;
    const t0 = performance.now();
    host.request('eventsPage', { filter, offset: index * PAGE_ROWS, limit: PAGE_ROWS }).then(
      (p) => {
        loading.delete(index);
        pageMs.push(Math.round((performance.now() - t0) * 10) / 10);
        if (pageMs.length > 64) pageMs.shift();
        root.setAttribute('data-page-ms', pageMs.join(','));
        if (mine !== generation || !p) return;
        pages.set(index, p);
        if (startAbsNs === undefined && p.tsNs.length > 0) startAbsNs = p.tsNs[0]! - p.sinceStartNs[0]!;
        while (pages.size > CACHED_PAGES) pages.delete(pages.keys().next().value!);
        if (p.total !== total) setTotal(p.total);
        render();
        if (restoreLine !== undefined) {
          const line = restoreLine;
          restoreLine = undefined;
          cursor(line);
        }
      },
      (err: unknown) => {
        loading.delete(index);
        if (mine === generation) status.textContent = `Events could not be read: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
  }

  function setTotal(n: number): void {
    total = n;
    grid.setAttribute('aria-rowcount', String(total + 1));
    spacer.style.height = `${scrollRange()}px`;
    status.textContent = `${total.toLocaleString()} event${total === 1 ? '' : 's'} match${total === 1 ? 'es' : ''}`;
    root.setAttribute('data-total', String(total));
  }

  function render(): void {
    const first = firstRow();
    layer.style.transform = `translateY(${viewport.scrollTop}px)`;
    const rows: HTMLElement[] = [];
    for (let r = first; r < Math.min(total, first + VIEW_ROWS); r++) {
      const p = page(Math.floor(r / PAGE_ROWS));
      if (!p) {
        load(Math.floor(r / PAGE_ROWS));
        rows.push(placeholder(r));
        continue;
      }
      rows.push(row(p, r - p.offset, r));
    }
    layer.replaceChildren(...rows);
    root.setAttribute('data-first', String(first));
  }

  function placeholder(r: number): HTMLElement {
    const tr = el('div', undefined, 'ev-row ev-pending');
    tr.setAttribute('role', 'row');
    tr.setAttribute('aria-rowindex', String(r + 2));
    tr.append(el('div', '…', 'ev-cell'));
    return tr;
  }

  function row(p: EventPage, i: number, r: number): HTMLElement {
    const tr = el('div', undefined, `ev-row${r === selected ? ' ev-selected' : ''}`);
    tr.setAttribute('role', 'row');
    tr.setAttribute('aria-rowindex', String(r + 2));
    tr.setAttribute('aria-selected', String(r === selected));
    tr.setAttribute('data-line', String(p.line[i]));
    tr.setAttribute('data-index', String(r));
    const delta = p.deltaNs[i]!;
    const request = p.request[i]!;
    const cells = [
      (p.sinceStartNs[i]! / 1e9).toFixed(6),
      Number.isNaN(delta) ? '' : `+${ns(delta)}`,
      String(p.cpu[i]),
      `${p.strings[p.comm[i]!] ?? ''}:${p.pid[i]}`,
      p.strings[p.event[i]!] ?? '',
      request >= 0 ? `#${request}` : '',
      p.payload?.[i] ?? '',
    ];
    for (const [k, c] of cells.entries()) {
      const td = el('div', c, `ev-cell ev-c-${cssName(COLUMNS[k]!)}`);
      td.setAttribute('role', 'gridcell');
      if (k === REQ_COLUMN && request >= 0) {
        td.classList.add('ev-req');
        td.title = `Only the events of request #${request} and of the requests below it`;
        td.addEventListener('click', (e) => {
          e.stopPropagation();
          showRequests([request]);
        });
      }
      tr.append(td);
    }
    tr.addEventListener('click', () => {
      select(r);
      host.reveal(file, p.line[i]!);
    });
    return tr;
  }

  function lineOf(r: number): number | undefined {
    const p = page(Math.floor(r / PAGE_ROWS));
    return p ? p.line[r - p.offset] : undefined;
  }

  function select(r: number): void {
    selected = Math.max(0, Math.min(total - 1, r));
    root.setAttribute('data-selected', String(selected));
    const line = lineOf(selected);
    if (line !== undefined) memory.onSelect?.(line);
    const first = firstRow();
    if (selected < first || selected >= first + VIEW_ROWS - 1) scrollToRow(Math.max(0, selected - Math.floor(VIEW_ROWS / 3)));
    render();
  }

  viewport.addEventListener('scroll', () => render(), { passive: true });
  grid.addEventListener('keydown', (e) => {
    if (total === 0) return;
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: VIEW_ROWS - 1, PageUp: -(VIEW_ROWS - 1) };
    if (e.key in moves) select((selected < 0 ? firstRow() - 1 : selected) + moves[e.key]!);
    else if (e.key === 'r' && selected >= 0) {
      const p = page(Math.floor(selected / PAGE_ROWS));
      const id = p ? p.request[selected - p.offset] : undefined;
      if (id === undefined || id < 0) return;
      showRequests([id]);
    }
    else if (e.key === 'Home') select(0);
    else if (e.key === 'End') select(total - 1);
    else if (e.key === 'Enter' && selected >= 0) {
      const line = lineOf(selected);
      if (line !== undefined) host.reveal(file, line);
    } else return;
    e.preventDefault();
  });

  function apply(): void {
    const f: { -readonly [K in keyof EventFilter]: EventFilter[K] } = {};
    const t = text.input.value;
    if (t !== '') f.text = t;
    const names = events.input.value.split(/[\s,]+/).filter((x) => x !== '');
    if (names.length > 0) f.events = names;
    const pids = pid.input.value.split(/[\s,]+/).filter((x) => /^-?\d+$/.test(x)).map(Number);
    if (pids.length > 0) f.pids = pids;
    const cpus = cpu.input.value.split(/[\s,]+/).filter((x) => /^\d+$/.test(x)).map(Number);
    if (cpus.length > 0) f.cpus = cpus;
    const devs = dev.input.value.split(/[\s;]+/).map((x) => /^(\d+)[:,](\d+)$/.exec(x)).filter((m) => m !== null).map((m) => `${m[1]}:${m[2]}`);
    if (devs.length > 0) f.devices = devs;
    const inos = ino.input.value.split(/[\s,]+/).filter((x) => /^(0x[0-9a-f]+|\d+)$/i.test(x)).map(Number);
    if (inos.length > 0) f.inodes = inos;
    const reqs = req.input.value.split(/[\s,]+/).map((x) => x.replace(/^#/, '')).filter((x) => /^\d+$/.test(x)).map(Number);
    if (reqs.length > 0) f.requests = reqs;
    // From / to: seconds since the first event, as the table shows them (the filter wants absolute seconds).
    const base = (startAbsNs ?? 0) / 1e9;
    const fromS = Number(from.input.value);
    if (from.input.value.trim() !== '' && Number.isFinite(fromS)) f.from = base + fromS;
    const toS = Number(to.input.value);
    if (to.input.value.trim() !== '' && Number.isFinite(toS)) f.to = base + toS;
    if (latency !== undefined) f.latency = latency;
    memory.onInputs?.(Object.fromEntries(Object.entries(inputs).map(([k, x]) => [k, x.input.value]).filter(([, v]) => v !== '')));
    filter = f;
    generation++;
    pages.clear();
    loading.clear();
    selected = -1;
    status.textContent = 'Filtering…';
    viewport.scrollTop = 0;
    load(0);
  }
  let debounce: ReturnType<typeof setTimeout> | undefined;
  for (const f of Object.values(inputs)) {
    f.input.addEventListener('input', () => {
      clearTimeout(debounce);
      debounce = setTimeout(apply, 350);
    });
    f.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        clearTimeout(debounce);
        apply();
      }
    });
  }

  function cursor(line: number): void {
    const mine = generation;
    void host.request('rowIndexOfLine', { filter, line }).then((r) => {
      if (mine !== generation || !r || r.index < 0) return;
      if (r.total !== total) setTotal(r.total);
      select(r.index);
    });
  }

  function showRequests(ids: readonly number[]): void {
    req.input.value = ids.map((id) => `#${id}`).join(', ');
    apply();
    grid.focus();
  }

  // Restored inputs (after a reload) apply once the first page has told the trace's start time.
  if (Object.values(initial).some((v) => v !== undefined && v !== '')) {
    void host.request('eventsPage', { filter: {}, offset: 0, limit: 1 }).then((p) => {
      if (p && p.tsNs.length > 0) startAbsNs = p.tsNs[0]! - p.sinceStartNs[0]!;
      apply();
    });
  } else load(0);
  return {
    element: root,
    setLatency(bin: LatencyBin | undefined, label = ''): void {
      latency = bin;
      chip.replaceChildren();
      chip.hidden = bin === undefined;
      if (bin !== undefined) {
        const clear = button('✕', () => this.setLatency(undefined), { className: 'ev-chip-clear', ariaLabel: 'show all requests again' });
        chip.append(el('span', `requests of the latency bin ${label} `), clear);
      }
      apply();
    },
    showRequests,
    cursor,
  };
}

function filterInput(label: string, placeholder: string, cls: string): { box: HTMLElement; input: TextField } {
  const box = el('label', undefined, `ev-field ${cls}`);
  const input = textField(placeholder, `filter: ${placeholder}`);
  box.append(el('span', label), input);
  return { box, input };
}

function cssName(c: string): string {
  return c.replace(/[^a-z]+/gi, '-').toLowerCase();
}
