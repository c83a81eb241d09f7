// The import-layer check (run by `npm run lint`), in the spirit of Perfetto's tools/check_imports.py.
// Every TypeScript file belongs to one layer by its folder; each layer may import only the layers and
// packages listed below. Dependency-free contracts sit at the bottom of the engine; the protocol speaks
// only in contracts; the host reaches the engine only through the worker (and the pure sniffing modules);
// the webview sees the protocol and the contracts, nothing that runs in Node.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Layers by folder prefix (longest first). */
const LAYERS = [
  ['extension/engine/contracts/', 'contracts'],
  ['extension/engine/', 'engine'],
  ['extension/protocol/', 'protocol'],
  ['extension/worker/', 'worker'],
  ['extension/cli/', 'cli'],
  ['extension/host/', 'host'],
  ['webview/src/', 'webview'],
  ['extension/test/', 'test'],
  ['extension/bench/', 'test'],
  ['extension/scripts/', 'test'],
  ['grammars/', 'grammars'],
];

/** What each layer may import: layers, and bare packages (`node:` builtins are named `node`). */
const ALLOWED = {
  contracts: { layers: ['contracts'], packages: [] },
  engine: { layers: ['contracts', 'engine', 'grammars'], packages: ['node', 'chevrotain', 'elkjs', 'zstddec', 'tsx'] },
  protocol: { layers: ['contracts', 'protocol'], packages: [] },
  worker: { layers: ['contracts', 'engine', 'protocol', 'worker'], packages: ['node'] },
  cli: { layers: ['contracts', 'engine', 'cli'], packages: ['node'] },
  host: { layers: ['contracts', 'protocol', 'host'], packages: ['node', 'vscode'], modules: ['extension/engine/ingest/sniffContent.ts', 'extension/engine/input/sniffInput.ts'] },
  webview: { layers: ['contracts', 'protocol', 'webview'], packages: ['elkjs', '@vscode/webview-ui-toolkit', '@vscode-elements/elements'] },
  test: { layers: ['contracts', 'engine', 'protocol', 'worker', 'cli', 'host', 'webview', 'test'], packages: ['*'] },
};

function layerOf(rel) {
  for (const [prefix, layer] of LAYERS) if (rel.startsWith(prefix)) return layer;
  return undefined;
}

function packageOf(spec) {
  if (spec.startsWith('node:')) return 'node';
  const parts = spec.split('/');
  return spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

function resolve(fromRel, spec) {
  const base = path.normalize(path.join(path.dirname(fromRel), spec));
  for (const cand of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    try {
      if (statSync(path.join(repo, cand)).isFile()) return cand;
    } catch {
      // not this candidate
    }
  }
  return `${base}.ts`;
}

function walk(dir, out) {
  for (const e of readdirSync(path.join(repo, dir))) {
    const rel = path.join(dir, e);
    if (e === 'node_modules') continue;
    if (statSync(path.join(repo, rel)).isDirectory()) walk(rel, out);
    else if (e.endsWith('.ts')) out.push(rel);
  }
}

const files = [];
walk('extension', files);
walk('webview/src', files);
const IMPORT = /^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const rel of files) {
  const layer = layerOf(rel);
  if (layer === undefined) continue;
  const rules = ALLOWED[layer];
  const text = readFileSync(path.join(repo, rel), 'utf8');
  const specs = [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC)].map((m) => m[1]);
  for (const spec of specs) {
    if (spec.startsWith('.')) {
      const target = resolve(rel, spec);
      if (target.startsWith('node_modules/')) {
        const pkg = packageOf(target.slice('node_modules/'.length));
        if (!rules.packages.includes('*') && !rules.packages.includes(pkg)) problems.push(`${rel} (${layer}) may not import the package ${pkg}`);
        continue;
      }
      const tl = layerOf(target);
      if (tl === undefined) {
        problems.push(`${rel}: imports ${spec}, outside every layer`);
        continue;
      }
      if (!rules.layers.includes(tl) && !(rules.modules ?? []).includes(target)) problems.push(`${rel} (${layer}) may not import ${target} (${tl})`);
    } else {
      const pkg = packageOf(spec);
      if (!rules.packages.includes('*') && !rules.packages.includes(pkg)) problems.push(`${rel} (${layer}) may not import the package ${spec}`);
    }
  }
}
if (problems.length > 0) {
  console.error(`checkLayers: ${problems.length} import(s) break the layering (see extension/scripts/checkLayers.mjs and ARCHITECTURE.md):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`checkLayers: ${files.length} files, layering holds`);
