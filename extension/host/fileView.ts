/**
 * FileView: a trace or kernel log open as an ordinary editor document. Its engine session is the document
 * (key: its URI), analysed from disk when it is saved or from its text when it is not; lines map one to one.
 */
import * as vscode from 'vscode';
import type { DocRef, OpenResult } from '../protocol/engineProtocol';
import type { Shown, TraceView } from './traceView';

export class FileView implements TraceView {
  readonly contiguous = true;

  constructor(
    readonly doc: vscode.TextDocument,
    private readonly analyse: (doc: vscode.TextDocument) => Promise<OpenResult>,
  ) {}

  get uri(): vscode.Uri {
    return this.doc.uri;
  }

  get session(): string {
    return this.doc.uri.toString();
  }

  get sourceFile(): string {
    return engineName(this.doc);
  }

  get label(): string {
    return this.doc.uri.path.split('/').pop() ?? this.session;
  }

  ready(): Promise<OpenResult> {
    return this.analyse(this.doc);
  }

  toSource(line: number): number | undefined {
    return line >= 0 && line < this.doc.lineCount ? line + 1 : undefined;
  }

  toEditor(line: number): number | undefined {
    return line >= 1 && line <= this.doc.lineCount ? line - 1 : undefined;
  }

  shownRange(): { first: number; last: number } {
    return { first: 1, last: this.doc.lineCount };
  }

  bring(line: number): Promise<Shown | undefined> {
    const at = this.toEditor(line);
    return Promise.resolve(at === undefined ? undefined : { view: this, line: at });
  }
}

/** The name the engine uses for a document: its path on disk, or its URI string when it has none. */
export function engineName(doc: vscode.TextDocument): string {
  return doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
}

/** The engine's reference to a document: a saved file is read from disk, anything else from its text. */
export function docRef(doc: vscode.TextDocument): DocRef {
  const key = doc.uri.toString();
  if (doc.uri.scheme === 'file' && !doc.isDirty) return { key, version: doc.version, name: doc.uri.fsPath, path: doc.uri.fsPath };
  return { key, version: doc.version, name: engineName(doc), bytes: Buffer.from(doc.getText(), 'utf8') };
}
