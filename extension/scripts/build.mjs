// One esbuild script for every bundle: extension host, engine worker, CLI and webview.
// The CLI and worker bundles are built without `vscode` as an external, so an engine import of `vscode`
// fails the build (there is no runtime `vscode` package to resolve).
import * as esbuild from 'esbuild';
import { chmodSync, mkdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'node20',
  platform: 'node',
  format: 'cjs',
  legalComments: 'none',
};

// elkjs's in-thread layout (1.5 MB of GWT output) is used only by `analyze --html`: the CLI loads it from
// dist/elk.bundled.js on first use instead of carrying it in its bundle (which every command would parse:
// +50 ms on each start).
const elkBesideCli = {
  name: 'elk-beside-cli',
  setup(b) {
    b.onResolve({ filter: /^elkjs\/lib\/elk\.bundled\.js$/ }, () => ({ path: './elk.bundled.js', external: true }));
  },
};

const builds = [
  { ...common, entryPoints: ['extension/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...common, entryPoints: ['extension/worker/engineWorker.ts'], outfile: 'dist/engineWorker.js' },
  { ...common, entryPoints: ['extension/engine/ingest/sliceWorker.ts'], outfile: 'dist/sliceWorker.js' },
  { ...common, entryPoints: ['extension/engine/tracedat/datWorker.ts'], outfile: 'dist/datWorker.js' },
  { ...common, entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, plugins: [elkBesideCli] },
  // Measured by `npm run bench` (the shipped bundle, not the TypeScript sources).
  { ...common, entryPoints: ['extension/bench/ingestOnce.ts'], outfile: 'dist/bench-ingest.js', sourcemap: false },
  { ...common, entryPoints: ['extension/bench/lineCountOnce.ts'], outfile: 'dist/bench-linecount.js', sourcemap: false },
  { ...common, entryPoints: ['extension/bench/analyzeOnce.ts'], outfile: 'dist/bench-analyze.js', sourcemap: false },
  { ...common, entryPoints: ['extension/bench/queryOnce.ts'], outfile: 'dist/bench-query.js', sourcemap: false },
  {
    ...common,
    entryPoints: ['webview/src/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    // elkjs's layout code is not bundled: it runs in its own worker (elk-worker.min.js, copied below).
    minify: true,
  },
];

mkdirSync('dist/webview', { recursive: true });
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  chmodSync('dist/cli.js', 0o755);
  // The webview UI toolkit is loaded as a module of its own (see webview/src/toolkit.ts).
  copyFileSync(require.resolve('@vscode/webview-ui-toolkit/dist/toolkit.min.js'), 'dist/webview/toolkit.min.js');
  // elkjs's worker, started by the panel from a Blob URL (see webview/src/elkClient.ts).
  copyFileSync(require.resolve('elkjs/lib/elk-worker.min.js'), 'dist/webview/elk-worker.min.js');
  // elkjs for `iolens analyze --html` (see elkBesideCli).
  copyFileSync(require.resolve('elkjs/lib/elk.bundled.js'), 'dist/elk.bundled.js');
}
