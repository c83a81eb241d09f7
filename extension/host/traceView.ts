/**
 * TraceView: how an editor document shows an analysed source, so that every provider is one small step
 * from a position to a query. Three kinds of documents are served:
 *
 *  - a trace or kernel log opened as a document (`FileView`): the engine session is the document itself
 *    and editor line N is source line N + 1;
 *  - a window of a file too large for an editor document (`LargeTraceView`, scheme `iolens-trace`);
 *  - the lines of a trace that match a filter (`FilteredView`, scheme `iolens-filter`).
 *
 * A view maps lines both ways (`toSource`, `toEditor`) and names the engine session its queries go to. A
 * window is immutable (its document's URI says which lines it holds), so bringing a line outside it into
 * view answers with another window of the same source, which TraceViews opens in its place.
 */
import type * as vscode from 'vscode';
import type { OpenResult } from '../protocol/engineProtocol';

export interface TraceView {
  /** The document's URI. */
  readonly uri: vscode.Uri;
  /** The engine session that answers for it. */
  readonly session: string;
  /** The name findings use for the analysed file (its path, or a URI for unsaved text). */
  readonly sourceFile: string;
  /** Short name of the analysed file, for titles and messages. */
  readonly label: string;
  /** The analysis of the session (started when needed). */
  ready(): Promise<OpenResult>;
  /** 1-based source line shown on 0-based editor line `line`, or undefined. */
  toSource(line: number): number | undefined;
  /** 0-based editor line that shows 1-based source line `line`, or undefined when it is not shown. */
  toEditor(line: number): number | undefined;
  /** First and last source line shown (1-based, inclusive); a filtered view shows only some between them. */
  shownRange(): { readonly first: number; readonly last: number };
  /** True when the view shows every source line of its range (not a filter). */
  readonly contiguous: boolean;
  /**
   * The view that shows source line `line` (this one, or another window of the same source) and the
   * editor line there; undefined when no view of this source shows it. A filtered view answers with the
   * next line it shows when the line itself does not match.
   */
  bring(line: number): Promise<Shown | undefined>;
}

/** A source line shown: the view and its editor line (0-based). */
export interface Shown {
  readonly view: TraceView;
  readonly line: number;
}
