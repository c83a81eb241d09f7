// Bundles the in-extension-host mocha suite (extension/test/vscode/index.ts + *.test.ts) into
// .vscode-test/out/ with the repo's esbuild. `vscode` is provided by the extension host; `mocha` stays
// external and resolves from the repo's node_modules (the extension host is a plain node process on
// this machine, and .vscode-test/out/ is inside the repo). Usage: node bundleTests.mjs <outdir>
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const src = join(repo, 'extension/test/vscode');
const outdir = resolve(process.argv[2] ?? join(repo, '.vscode-test/out'));
const entryPoints = readdirSync(src)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(src, f));

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`bundled ${entryPoints.length} in-host test modules into ${outdir}`);
