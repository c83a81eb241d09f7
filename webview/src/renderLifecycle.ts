/**
 * renderLifecycle: the "Request lifecycle" section: the lifecycle graph of each request the line belongs to
 * (renderLifecycleGraph, laid out in the worker), then, as its text form, the request chains of the line,
 * one row per request (indented by depth: syscall or io_uring -> fs -> iomap -> bio -> block request),
 * with its range, result, latency and btt stages, and its stages as links to their lines. Text only via
 * `textContent`.
 */
import type { LifecycleGraph, RequestChain, RequestNode } from '../../extension/engine/contracts/query';
import type { RequestLayer } from '../../extension/engine/contracts/report';
import { renderLifecycleGraph } from './renderLifecycleGraph';
import type { RevealLine } from '../../extension/protocol/webviewProtocol';
import { el } from './el';
import { ns } from './format';
import { link } from './toolkit';

const MAX_NODES = 400;

/** Incremented per render: graphs laid out for an older request are dropped. */
let generation = 0;

export interface LifecycleShown {
  readonly file: string;
  readonly line: number;
  readonly chains: readonly RequestChain[];
  readonly graphs: readonly LifecycleGraph[];
  readonly expand: readonly RequestLayer[];
}

/**
 * Draws `shown`; `expand` asks the host for the same line with more layers unfolded; `eventsOf` (when the
 * panel has an event table for the file) lists a chain's events there.
 */
export function renderLifecycle(
  container: HTMLElement,
  shown: LifecycleShown,
  reveal: RevealLine,
  expand: (layers: readonly RequestLayer[]) => void,
  eventsOf?: (root: number) => void,
): number {
  const { file, line, chains, graphs } = shown;
  const mine = ++generation;
  container.replaceChildren();
  if (chains.length === 0) {
    container.append(el('div', `Line ${line} belongs to no request.`, 'muted'));
    return 0;
  }
  if (eventsOf) {
    const actions = el('div', undefined, 'lc-actions');
    for (const chain of chains) {
      const a = link(chains.length === 1 ? 'Show its events in the event table' : `Show the events of request #${chain.root}'s chain in the event table`, () => eventsOf(chain.root));
      a.classList.add('lc-events');
      a.setAttribute('data-root', String(chain.root));
      actions.append(a, el('span', ' '));
    }
    container.append(actions);
  }
  const graphBox = el('div', undefined, 'lc-graphs');
  container.append(graphBox);
  void (async () => {
    for (const g of graphs) {
      const drawn = await renderLifecycleGraph(g, { reveal, expand: (layer) => expand([...shown.expand, layer]) });
      if (mine !== generation) return;
      graphBox.append(drawn);
    }
    graphBox.setAttribute('data-drawn', String(graphs.length));
  })();
  const text = el('details', undefined, 'lc-text');
  text.append(el('summary', 'Requests as text'));
  container.append(text);
  container = text;
  let shownRows = 0;
  for (const chain of chains) {
    const head = el('div', undefined, 'muted');
    head.append(el('span', `Line ${line}: ${chain.nodes.length} request${chain.nodes.length === 1 ? '' : 's'} in this chain${chain.truncated ? ' (cut)' : ''}. `));
    container.append(head);
    for (const n of chain.nodes.slice(0, MAX_NODES)) {
      container.append(nodeRow(n, file, reveal));
      shownRows++;
    }
    if (chain.nodes.length > MAX_NODES) container.append(el('div', `… and ${chain.nodes.length - MAX_NODES} more requests.`, 'muted'));
  }
  return shownRows;
}

function nodeRow(n: RequestNode, file: string, reveal: RevealLine): HTMLElement {
  const failed = n.errno !== undefined;
  const short = !failed && n.result !== null && n.length !== null && n.result >= 0 && n.result < n.length && n.layer !== 'block';
  const row = el('div', undefined, `lc-node${failed ? ' lc-failed' : short ? ' lc-short' : ''}`);
  row.setAttribute('data-request', String(n.id));
  row.style.marginLeft = `${Math.min(n.depth, 8) * 1.4}em`;
  const parts = [n.layer, n.op];
  if (n.dev !== null) parts.push(`dev ${n.dev}`);
  if (n.ino !== null) parts.push(`ino ${n.ino}`);
  if (n.sector !== null && n.sectors !== null) parts.push(`sector ${n.sector}+${n.sectors}`);
  if (n.offset !== null) parts.push(`@${n.offset}`);
  if (n.length !== null) parts.push(`${n.length} B`);
  if (n.comm !== '') parts.push(`${n.comm}:${n.pid}`);
  if (failed) parts.push(`failed ${n.errno}`);
  else if (short) parts.push(`returned ${n.result} of ${n.length}`);
  else if (n.result !== null && n.layer !== 'block') parts.push(`-> ${n.result}`);
  if (!n.complete) parts.push('(incomplete)');
  if (n.latencyNs !== null) parts.push(ns(n.latencyNs));
  if (n.btt) parts.push(Object.entries(n.btt).map(([k, v]) => `${k} ${ns(v)}`).join(' '));
  row.append(el('span', parts.join(' · ')));
  const stages = el('div', undefined, 'lc-stages');
  for (const s of n.stages.slice(0, 24)) {
    stages.append(link(`${s.name}${s.offsetNs > 0 ? ` +${ns(s.offsetNs)}` : ''}`, () => reveal(file, s.line)), el('span', ' '));
  }
  if (n.stages.length > 24) stages.append(el('span', `… ${n.stages.length - 24} more`));
  row.append(stages);
  return row;
}
