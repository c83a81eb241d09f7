/**
 * lineRoles: what a line is for a request, in words a kernel engineer reads at a glance (`block write
 * request issued to the driver`, `preadv2 returned: 65536 of 262144`, `io_uring READ completed: -11
 * EAGAIN`, `ordered extent added`). `stageRole` words one stage; `LineRoles` names a set of lines (the
 * evidence of a finding, the related lines of a request chain) from the requests they belong to and from
 * what the caller knows about them.
 *
 * Who names a line, strongest first: the caller (a detector knows why it picked the line: `retry of the
 * same range`, `ordered extent finished with IOERR`), then the request whose own stage the line is (a
 * block completion is named by the block request, not by the ordered extent that also lists it), then a
 * caller's fallback, then any request that merely lists the line (named by its event). Equal strength:
 * the first name stays. Roles are short plain text (no markdown); the renderers escape them.
 */
import type { EvidenceRef } from '../contracts/finding';
import { errnoNames } from '../decode/errnoNames';
import type { EventStore } from '../store/eventStore';
import type { RequestView } from './requestView';

/** Longest role kept (longer text from the input is cut with an ellipsis). */
export const MAX_ROLE = 72;

const BLOCK_WORDS: Readonly<Record<string, string>> = {
  queue: 'bio queued',
  getrq: 'request allocated',
  insert: 'request inserted into the scheduler',
  issue: 'request issued to the driver',
  'io-start': 'request I/O accounting started',
  'partial-complete': 'request completed in part',
  requeue: 'request requeued by the driver',
  backmerge: 'bio back-merged into a request',
  frontmerge: 'bio front-merged into a request',
  split: 'bio split',
  remap: 'bio remapped',
  'io-done': 'request I/O accounting done',
  end: 'request ended after its post-flush',
  'rq-merge': 'request merged with the next one',
  merged: 'request merged into another',
};

const URING_WORDS: Readonly<Record<string, string>> = {
  submit: 'submitted',
  'punt-to-io-wq': 'punted to an io-wq worker',
  retry: 'retried',
  failed: 'failed',
  'link-failed': 'failed with its link',
  'cqe-overflow': 'CQE overflowed',
  defer: 'deferred',
};

const FS_WORDS: Readonly<Record<string, string>> = {
  readahead: 'readahead',
  retry: 'retry of the same range',
  'eof-remainder': 'read of the remainder up to EOF',
  'dio-begin': 'direct I/O begins',
  'dio-queued': 'direct I/O queued',
  writeback: 'writeback of the range',
};

const OE_WORDS: Readonly<Record<string, string>> = {
  add: 'added',
  mark_finished: 'marked finished',
  remove: 'removed (complete)',
  put: 'reference dropped',
  start: 'waited on (btrfs_start_ordered_extent)',
  lookup: 'looked up',
  lookup_first: 'looked up',
  lookup_first_range: 'looked up',
  lookup_range: 'looked up',
  lookup_for_logging: 'looked up for logging',
  split: 'split',
  dec_test_pending: 'pending bytes completed',
  'range-done': 'range written',
  'range-failed': 'range failed (uptodate=0)',
};

/** `: -5 EIO`, `: 65536 of 262144`, `: 4096`, or '' while the result is unknown. */
function resultText(v: RequestView, r: number): string {
  const result = v.result(r);
  if (result === undefined) return '';
  if (result < 0) {
    const name = errnoNames.name(result);
    return `: ${result}${name ? ` ${name}` : ''}`;
  }
  return v.length(r) > 0 && v.layer(r) !== 'block' ? `: ${result} of ${v.length(r)}` : `: ${result}`;
}

/** Cuts a role to MAX_ROLE characters. */
export function clipRole(role: string): string {
  return role.length <= MAX_ROLE ? role : `${role.slice(0, MAX_ROLE - 1)}…`;
}

/** What a stage of request `r` is, in words (`block read request issued to the driver`, `fsync returned: -5 EIO`). */
export function stageRole(v: RequestView, r: number, stage: string): string {
  const op = v.op(r);
  switch (v.layer(r)) {
    case 'syscall':
      return clipRole(stage === 'exit' ? `${op} returned${resultText(v, r)}` : stage === 'enter' ? `${op} entered` : `${op} ${stage}`);
    case 'io_uring':
      return clipRole(stage === 'complete' ? `io_uring ${op} completed${resultText(v, r)}` : `io_uring ${op} ${URING_WORDS[stage] ?? stage}`);
    case 'fs': {
      if (stage === 'dio-complete') return clipRole(`${op}: direct I/O completed${resultText(v, r)}`);
      if (stage === 'complete') return clipRole(`${op} completed${resultText(v, r)}`);
      if (stage === 'read' || stage === 'write') return clipRole(`${op} started`);
      return clipRole(`${op}: ${FS_WORDS[stage] ?? stage}`);
    }
    case 'block': {
      const result = v.result(r);
      const failed = result !== undefined && result < 0 ? resultText(v, r) : '';
      if (stage === 'complete') return clipRole(`block ${op} request completed${failed}`);
      if (stage === 'error') return clipRole(`block ${op} request failed${failed}`);
      return clipRole(`block ${op} ${BLOCK_WORDS[stage] ?? stage}`);
    }
    case 'ordered-extent':
      return clipRole(`ordered extent ${OE_WORDS[stage] ?? stage}`);
  }
}

/** The request's name in a role of one of its lines that is not a stage (`buffered-read`, `block read`). */
function subject(v: RequestView, r: number): string {
  switch (v.layer(r)) {
    case 'syscall':
    case 'fs':
      return v.op(r);
    case 'io_uring':
      return `io_uring ${v.op(r)}`;
    case 'block':
      return `block ${v.op(r)}`;
    case 'ordered-extent':
      return 'ordered extent';
  }
}

/** How strongly a role names its line. */
const Rank = { Listed: 0, Fallback: 1, Stage: 2, Chosen: 3 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

interface Entry {
  readonly role: string;
  readonly rank: Rank;
  /** The request that named it, -1 for the caller. */
  readonly request: number;
}

/** A line with its role and the request that named it (-1: named by the caller). */
export interface NamedLine {
  readonly line: number;
  readonly role: string;
  readonly request: number;
}

/** Names lines for one set of requests (see the header for who wins). */
export class LineRoles {
  private readonly entries = new Map<number, Entry>();

  /** `store` lets lines that are no stage be named by their event (`buffered-read: iomap_iter`). */
  constructor(
    private readonly v: RequestView,
    private readonly store?: EventStore,
  ) {}

  /** Lines named so far. */
  get size(): number {
    return this.entries.size;
  }

  /** A role the caller chose for a line (wins over every request's). */
  name(line: number, role: string): this {
    this.put(line, clipRole(role), Rank.Chosen, -1);
    return this;
  }

  /** A role for a line only if no request names it by a stage. */
  fallback(line: number, role: string): this {
    this.put(line, clipRole(role), Rank.Fallback, -1);
    return this;
  }

  /** Every line of request `r`: its stages by what they are, its other lines by their event. */
  request(r: number): this {
    const v = this.v;
    for (let k = 0; k < v.stageCount(r); k++) {
      const stage = v.stageName(r, k);
      // `parent-complete` is the parent's exit line, not an event of this request.
      if (stage === 'parent-complete') continue;
      const line = v.stageLine(r, k);
      const known = this.entries.get(line);
      if (known === undefined || known.rank < Rank.Stage) this.entries.set(line, { role: stageRole(v, r, stage), rank: Rank.Stage, request: r });
    }
    for (const line of v.lines(r)) if (!this.entries.has(line)) this.entries.set(line, { role: this.listedRole(r, line), rank: Rank.Listed, request: r });
    return this;
  }

  /** A line by the request whose stage it is, found through the request line index (built on first use). */
  stageAt(line: number): this {
    const v = this.v;
    for (const r of v.atLine(line)) {
      for (let k = 0; k < v.stageCount(r); k++) {
        if (v.stageLine(r, k) !== line || v.stageName(r, k) === 'parent-complete') continue;
        this.put(line, stageRole(v, r, v.stageName(r, k)), Rank.Stage, r);
        return this;
      }
    }
    return this;
  }

  /** A request and the requests below it, as `chainLines` collects them (a block request contributes its own lines). */
  chain(r: number): this {
    this.request(r);
    for (const c of this.v.children(r)) {
      if (this.v.layer(c) !== 'block') this.chain(c);
      else this.request(c);
    }
    return this;
  }

  /** A request and every request below it (depth-first, at most 16 deep), until `maxLines` lines are named. */
  tree(r: number, maxLines = 4096, depth = 0): this {
    if (this.entries.size >= maxLines || depth > 16) return this;
    this.request(r);
    for (const c of this.v.children(r)) this.tree(c, maxLines, depth + 1);
    return this;
  }

  /** The role of a line ('' when nothing named it). */
  role(line: number): string {
    return this.entries.get(line)?.role ?? '';
  }

  /** Every named line, sorted by line. */
  named(): NamedLine[] {
    return [...this.entries].map(([line, e]) => ({ line, role: e.role, request: e.request })).sort((a, b) => a.line - b.line);
  }

  /** Evidence refs for `lines` (in the given order), each with its role; a line nothing named is named by its event. */
  refs(file: string, lines: Iterable<number>): EvidenceRef[] {
    const out: EvidenceRef[] = [];
    for (const line of lines) out.push({ file, line, role: this.entries.get(line)?.role ?? this.unnamed(line) });
    return out;
  }

  private put(line: number, role: string, rank: Rank, request: number): void {
    if (!(line > 0)) return;
    const known = this.entries.get(line);
    if (known === undefined || known.rank < rank) this.entries.set(line, { role, rank, request });
  }

  private eventName(line: number): string | undefined {
    if (this.store === undefined) return undefined;
    const row = this.store.rowOfLine(line);
    return row >= 0 ? this.store.typeName(this.store.typeAt(row)) : undefined;
  }

  private listedRole(r: number, line: number): string {
    const event = this.eventName(line);
    return clipRole(event !== undefined ? `${subject(this.v, r)}: ${event}` : `${this.v.layer(r)} ${this.v.op(r)} event`);
  }

  private unnamed(line: number): string {
    const event = this.eventName(line);
    return event !== undefined ? `${event} event` : 'related line';
  }
}
