/**
 * LanguageSniffer: people name traces `trace.txt`, `report.txt`, `dmesg.log`. When such a file opens as
 * plain text or log, its first lines are checked (engine `sniffContent`) and the language is switched to
 * `ftrace` or `kernel-log`.
 */
import * as vscode from 'vscode';
import { readConfig } from './config';
import { sniffContent } from '../engine/ingest/sniffContent';

const SNIFFED_LANGUAGES = new Set(['plaintext', 'log', 'Log']);

export class LanguageSniffer implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;

  constructor(private readonly onSwitched: (doc: vscode.TextDocument) => void) {
    this.subscription = vscode.workspace.onDidOpenTextDocument((d) => void this.check(d));
    for (const d of vscode.workspace.textDocuments) void this.check(d);
  }

  async check(doc: vscode.TextDocument): Promise<void> {
    if (!readConfig().sniffEnabled) return;
    if (!SNIFFED_LANGUAGES.has(doc.languageId)) return;
    const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 80), 0));
    const lang = sniffContent(head);
    if (lang === undefined) return;
    const switched = await vscode.languages.setTextDocumentLanguage(doc, lang);
    this.onSwitched(switched);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
