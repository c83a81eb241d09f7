/**
 * Shared helpers of the in-host tests: fixture URIs, opening documents, and waiting for the extension's
 * asynchronous results (language switches, diagnostics) by events plus polling with a deadline, never by
 * fixed sleeps. The fixtures folder (extension/test/e2e/fixtures) is the workspace folder.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import expectedJson from './expected.json';

/** The extension under test, `publisher.name` from package.json. */
export const EXTENSION_ID = 'iolens.iolens';

/** Values computed from the fixtures with awk (computeExpected.sh), independently of the engine. */
export interface ExpectedFile {
  readonly lines: number;
  readonly events: number;
  readonly cpus: number;
  readonly firstTimestamp: number;
  readonly lastTimestamp: number;
  readonly eventCounts: Readonly<Record<string, number>>;
}
export const expected = expectedJson as unknown as {
  readonly 'kernel.trace': ExpectedFile;
  readonly 'report.txt': ExpectedFile;
  readonly 'malformed.trace': ExpectedFile;
  readonly malformedLines: { readonly parseError: readonly number[]; readonly lost: readonly number[]; readonly lostCount: number };
};

export function fixtureUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the e2e fixtures folder must be open as the workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Polls `probe` until it returns something other than undefined, waking on `events` and every 100 ms. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 20_000,
  events: readonly vscode.Event<unknown>[] = [],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (): void => {
        clearTimeout(timer);
        for (const s of subs) s.dispose();
        resolve();
      };
      const timer = setTimeout(done, Math.min(100, left));
      for (const e of events) subs.push(e(done));
    });
  }
}

/** The open document for `uri` as VS Code currently has it (a language switch replaces the object). */
export function openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** Opens a fixture in an editor and returns its document. */
export async function showFixture(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri(name));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** Waits until the document `uri` has language `languageId`. */
export function waitForLanguage(uri: vscode.Uri, languageId: string, timeoutMs = 20_000): Promise<vscode.TextDocument> {
  return waitFor(
    `${uri.path.split('/').pop() ?? ''} to get language ${languageId} (now ${openDocument(uri)?.languageId ?? 'not open'})`,
    () => {
      const d = openDocument(uri);
      return d !== undefined && d.languageId === languageId ? d : undefined;
    },
    timeoutMs,
    [vscode.workspace.onDidOpenTextDocument],
  );
}

/** Diagnostics published by iolens for `uri` once `ready` accepts them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  ready: (diags: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  return waitFor(
    what,
    () => {
      const diags = iolensDiagnostics(uri);
      return ready(diags) ? diags : undefined;
    },
    timeoutMs,
    [vscode.languages.onDidChangeDiagnostics],
  );
}

export function iolensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'iolens');
}

/** The finding kind of a diagnostic: its `code` (plain or `{ value }`), as the extension sets it. */
export function diagnosticKind(d: vscode.Diagnostic): string {
  const code = d.code;
  if (code === undefined) return '';
  if (typeof code === 'object') return String(code.value);
  return String(code);
}

/** 1-based line numbers, the way the fixtures and expected.json count them. */
export function lineNumbers(diags: readonly vscode.Diagnostic[]): number[] {
  return diags.map((d) => d.range.start.line + 1).sort((a, b) => a - b);
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A parse-error diagnostic: code `parse-error`, or the "line could not be parsed" message. */
export function isParseError(d: vscode.Diagnostic): boolean {
  return diagnosticKind(d) === 'parse-error' || /could not be parsed/i.test(d.message);
}

/** A lost-events diagnostic: code `lost-events`, or a message about lost events. */
export function isLostEvents(d: vscode.Diagnostic): boolean {
  return diagnosticKind(d) === 'lost-events' || /\blost\b/i.test(d.message);
}

/** A committed sample file (samples/ is three folders above the fixtures folder). */
export function sampleUri(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(fixtureUri('.'), '..', '..', '..', '..', 'samples', ...parts);
}

/** A generated fixture (extension/test/e2e/fixtures/generated, made by makeTraces.ts in run.sh). */
export function generatedUri(name: string): vscode.Uri {
  return fixtureUri(`generated/${name}`);
}

/** The raw lines of a file on disk (read independently of the extension). */
export async function rawLines(uri: vscode.Uri): Promise<string[]> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const text = Buffer.from(bytes).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Opens a document by URI in an editor and waits until it has `languageId` (sniffed for .txt files). */
export async function showAs(uri: vscode.Uri, languageId: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc, { preview: false });
  const ready = await waitForLanguage(uri, languageId);
  await vscode.window.showTextDocument(ready, { preview: false });
  return ready;
}

/** The text of a hover's contents (markdown strings joined, backslash escapes of punctuation removed). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Runs a provider command until it answers something non-empty (the analysis may still be running). */
export async function untilAnswered<T>(what: string, run: () => Thenable<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await run();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${JSON.stringify(v)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
