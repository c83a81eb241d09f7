// Loads the two TextMate grammars with vscode-textmate + vscode-oniguruma, the same engine VS Code uses,
// so tests and the dump tool see exactly the scopes the editor will produce.
// Usage as a tool: node extension/test/grammar/tokenizer.mjs <source.ftrace|source.kernel-log> <file>
//   prints every token of every line as `text  ->  scopes` (handy while writing grammar tests).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

/** Repository root (three levels above this file). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Scope name → grammar file, mirroring package.json `contributes.grammars`. */
export const grammarFiles = {
  'source.ftrace': join(repoRoot, 'grammars', 'ftrace.tmLanguage.json'),
  'source.kernel-log': join(repoRoot, 'grammars', 'kernel-log.tmLanguage.json'),
};

let registryPromise;

/** Returns a vscode-textmate Registry able to load both grammars (the WASM is initialised once). */
export function getRegistry() {
  registryPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    return new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        const file = grammarFiles[scopeName];
        if (file === undefined) return null;
        return vsctm.parseRawGrammar(readFileSync(file, 'utf8'), file);
      },
    });
  })();
  return registryPromise;
}

/** Loads one grammar by scope name; throws when it cannot be loaded. */
export async function loadGrammar(scopeName) {
  const grammar = await (await getRegistry()).loadGrammar(scopeName);
  if (grammar === null) throw new Error(`cannot load grammar ${scopeName}`);
  return grammar;
}

/** Tokenizes lines in order, carrying the rule stack, and returns [{line, tokens}] (tokens as {text, scopes}). */
export function tokenizeLines(grammar, lines) {
  let ruleStack = vsctm.INITIAL;
  const out = [];
  for (const line of lines) {
    const r = grammar.tokenizeLine(line, ruleStack);
    out.push({ line, tokens: r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })) });
    ruleStack = r.ruleStack;
  }
  return out;
}

export { vsctm };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [scopeName, file] = process.argv.slice(2);
  if (scopeName === undefined || file === undefined) {
    console.error('usage: tokenizer.mjs <source.ftrace|source.kernel-log> <file>');
    process.exit(2);
  }
  const grammar = await loadGrammar(scopeName);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  for (const { line, tokens } of tokenizeLines(grammar, lines)) {
    console.log(`>> ${line}`);
    for (const t of tokens) console.log(`   ${JSON.stringify(t.text).padEnd(40)} ${t.scopes.slice(1).join(' ')}`);
  }
}
