// `npm run package`: a production build, then `iolens-<version>.vsix` with @vscode/vsce, offline. The
// bundles carry the engine and its dependencies, so the package has no node_modules (--no-dependencies);
// .vscodeignore keeps only what a user needs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `iolens-${version}.vsix`;
execFileSync(process.execPath, ['extension/scripts/build.mjs', '--production'], { stdio: 'inherit' });
const vsce = require.resolve('@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { stdio: 'inherit' });
console.log(`packaged ${out}`);
