/**
 * elkClient: elkjs layouts in a Web Worker, never on the panel's UI thread. A webview cannot start a
 * Worker from its resource URLs (the worker's fetch bypasses the webview's service worker: VS Code issue
 * #87282), so the page fetches elkjs's own worker script (`elk-worker.min.js`, copied next to main.js by
 * the build; the URI comes in the main script's `data-elk-worker` attribute) and starts it from a Blob
 * URL: the CSP allows `connect-src` for the page's resources and `worker-src blob:`. The worker inherits
 * the page's CSP; elk-worker.min.js (0.12.1) needs no eval and loads nothing. The page bundles only the
 * small elk-api. One ELK per page, created on the first layout; a layout that runs longer than
 * LAYOUT_TIMEOUT_MS terminates the worker (the next layout starts a fresh one).
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk-api.js';

const LAYOUT_TIMEOUT_MS = 10_000;

let elk: Promise<InstanceType<typeof ELK>> | undefined;

function workerUri(): string | undefined {
  return document.querySelector<HTMLScriptElement>('script[data-elk-worker]')?.dataset['elkWorker'];
}

function elkOnce(): Promise<InstanceType<typeof ELK>> {
  elk ??= (async () => {
    const src = workerUri();
    if (src === undefined) throw new Error('the layout worker is not available (no worker URI in the page)');
    const response = await fetch(src);
    if (!response.ok) throw new Error(`the layout worker could not be loaded (HTTP ${response.status})`);
    const url = URL.createObjectURL(await response.blob());
    return new ELK({ workerFactory: () => new Worker(url) });
  })();
  // A failed start is retried by the next layout.
  elk.catch(() => (elk = undefined));
  return elk;
}

/** Lays out `graph` in the worker; resolves with the positioned graph and the milliseconds it took. */
export async function layoutInWorker(graph: ElkNode): Promise<{ laid: ElkNode; ms: number }> {
  const engine = await elkOnce();
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      engine.terminateWorker();
      elk = undefined;
      reject(new Error(`the layout took longer than ${LAYOUT_TIMEOUT_MS / 1000} s and was stopped`));
    }, LAYOUT_TIMEOUT_MS);
  });
  try {
    const laid = await Promise.race([engine.layout(graph), timeout]);
    return { laid, ms: performance.now() - t0 };
  } finally {
    clearTimeout(timer);
  }
}
