/**
 * ModelRegistry: the retained models of a worker's documents, keyed by document (a URI or path) and
 * version. It is what turns the engine from "answer once and forget" into sessions:
 *
 *  - `acquire(key, version, build)` returns a lease on the model of that version, building it once: a
 *    second user of the same version shares the model (and its build while it runs);
 *  - a newer version of a document supersedes older ones: their builds still running are aborted, and
 *    their models are dropped as soon as no lease holds them;
 *  - `release` returns a lease; a model nobody holds is disposed after `disposeDelayMs` (reopening the
 *    document within the delay reuses it);
 *  - when the models kept exceed `budgetBytes`, the least recently used are dropped: every unheld one
 *    first, then held ones (never the model just built); a held model stays with its holders until they
 *    release it, and the next `acquire` of that document builds it again.
 *
 * The registry is vscode-free and clock-injectable (tests drive time), and closes each model's source
 * when it disposes it.
 */
import type { FileModel } from '../model/fileModel';
import { modelBytes } from '../model/fileModel';
import { ModelQueries } from '../query/modelQueries';

/** Builds a model; must stop (reject) when the signal aborts. */
export type ModelBuilder = (signal: AbortSignal) => Promise<FileModel>;

export interface RegistryOptions {
  /** Bytes of models kept (columns and requests), default 1 GiB. */
  readonly budgetBytes?: number;
  /** How long an unheld model is kept, default 60 s. */
  readonly disposeDelayMs?: number;
  /** Timer functions (tests). */
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  readonly now?: () => number;
  /** Called when a model is dropped (for logs and tests). */
  readonly onDispose?: (key: string, version: number, why: 'released' | 'superseded' | 'budget' | 'cleared') => void;
}

/** A model held by a user; `release` it when done. */
export interface ModelLease {
  readonly key: string;
  readonly version: number;
  readonly model: FileModel;
  readonly queries: ModelQueries;
}

interface Entry {
  readonly key: string;
  readonly version: number;
  readonly controller: AbortController;
  building: Promise<FileModel> | undefined;
  model: FileModel | undefined;
  queries: ModelQueries | undefined;
  refs: number;
  bytes: number;
  lastUsed: number;
  timer: unknown;
  dropped: boolean;
  droppedWhy?: 'superseded' | 'budget';
}

export class ModelRegistry {
  private readonly entries = new Map<string, Entry>();
  /** The entry of each lease (a dropped entry leaves the map but its leases still find it). */
  private readonly leases = new WeakMap<ModelLease, Entry>();
  private readonly budget: number;
  private readonly delay: number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly now: () => number;

  constructor(private readonly options: RegistryOptions = {}) {
    this.budget = options.budgetBytes ?? 1024 * 1024 * 1024;
    this.delay = options.disposeDelayMs ?? 60_000;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    this.now = options.now ?? (() => Date.now());
  }

  /** A lease on the model of `key` at `version`, built by `build` unless it is kept or being built. */
  async acquire(key: string, version: number, build: ModelBuilder): Promise<ModelLease> {
    const id = entryId(key, version);
    // A newer version supersedes the older ones of the same document.
    for (const e of [...this.entries.values()]) {
      if (e.key === key && e.version < version) this.supersede(e);
    }
    let e = this.entries.get(id);
    if (e === undefined || e.dropped) {
      e = { key, version, controller: new AbortController(), building: undefined, model: undefined, queries: undefined, refs: 0, bytes: 0, lastUsed: this.now(), timer: undefined, dropped: false };
      this.entries.set(id, e);
      const entry = e;
      entry.building = build(entry.controller.signal).then(
        (model) => {
          entry.building = undefined;
          if (entry.dropped) {
            void model.source.close();
            throw new Error(`analysis of ${key} was superseded by a newer version`);
          }
          entry.model = model;
          entry.queries = new ModelQueries(model);
          entry.bytes = modelBytes(model);
          this.enforceBudget(entry);
          return model;
        },
        (err: unknown) => {
          entry.building = undefined;
          if (this.entries.get(id) === entry) this.entries.delete(id);
          throw err;
        },
      );
    }
    const entry = e;
    entry.refs++;
    entry.lastUsed = this.now();
    if (entry.timer !== undefined) {
      this.clearTimer(entry.timer);
      entry.timer = undefined;
    }
    try {
      const model = entry.model ?? (await entry.building!);
      if (entry.dropped && entry.model === undefined) throw new Error(`analysis of ${key} was superseded by a newer version`);
      const lease: ModelLease = { key, version, model, queries: entry.queries! };
      this.leases.set(lease, entry);
      return lease;
    } catch (err) {
      entry.refs--;
      throw err;
    }
  }

  /** Gives a lease back; the model is disposed after the delay when nobody holds it. */
  release(lease: ModelLease): void {
    const e = this.leases.get(lease);
    if (e === undefined || e.refs === 0) return;
    this.leases.delete(lease);
    e.refs--;
    e.lastUsed = this.now();
    if (e.refs > 0) return;
    if (e.dropped) {
      this.dispose(e, e.droppedWhy ?? 'superseded');
      return;
    }
    e.timer = this.setTimer(() => {
      e.timer = undefined;
      if (e.refs === 0) this.dispose(e, 'released');
    }, this.delay);
  }

  /** The newest kept model of a document (without taking a lease), if any. */
  peek(key: string): ModelLease | undefined {
    let best: Entry | undefined;
    for (const e of this.entries.values()) if (e.key === key && e.model !== undefined && !e.dropped && (best === undefined || e.version > best.version)) best = e;
    if (best === undefined) return undefined;
    best.lastUsed = this.now();
    return { key: best.key, version: best.version, model: best.model!, queries: best.queries! };
  }

  /** Bytes held by kept models. */
  get bytes(): number {
    let n = 0;
    for (const e of this.entries.values()) if (!e.dropped) n += e.bytes;
    return n;
  }

  /** Kept and building entries, for status and tests. */
  list(): { key: string; version: number; refs: number; bytes: number; ready: boolean }[] {
    return [...this.entries.values()].filter((e) => !e.dropped).map((e) => ({ key: e.key, version: e.version, refs: e.refs, bytes: e.bytes, ready: e.model !== undefined }));
  }

  /** Drops everything (shutdown). */
  clear(): void {
    for (const e of [...this.entries.values()]) {
      e.controller.abort();
      this.dispose(e, 'cleared');
    }
  }

  private supersede(e: Entry): void {
    e.dropped = true;
    e.droppedWhy = 'superseded';
    e.controller.abort();
    if (e.refs === 0) this.dispose(e, 'superseded');
  }

  /** Drops least recently used models while the total is over the budget (never `keep`). */
  private enforceBudget(keep: Entry): void {
    const over = (): boolean => this.bytes > this.budget;
    if (!over()) return;
    const candidates = [...this.entries.values()].filter((e) => e !== keep && e.model !== undefined && !e.dropped).sort((a, b) => (a.refs === 0 ? 0 : 1) - (b.refs === 0 ? 0 : 1) || a.lastUsed - b.lastUsed);
    for (const e of candidates) {
      if (!over()) break;
      e.dropped = true;
      e.droppedWhy = 'budget';
      // A leased model stays with its holders and is closed when the last lease is released.
      if (e.refs === 0) this.dispose(e, 'budget');
      else this.entries.delete(entryId(e.key, e.version));
    }
  }

  private dispose(e: Entry, why: 'released' | 'superseded' | 'budget' | 'cleared'): void {
    if (e.timer !== undefined) this.clearTimer(e.timer);
    e.timer = undefined;
    const id = entryId(e.key, e.version);
    if (this.entries.get(id) === e) this.entries.delete(id);
    if (e.model) void e.model.source.close();
    e.model = undefined;
    e.queries = undefined;
    e.dropped = true;
    this.options.onDispose?.(e.key, e.version, why);
  }
}

function entryId(key: string, version: number): string {
  return `${version}\u0000${key}`;
}
