/**
 * htmlMarkup: the only way the HTML report makes markup. `html` is a template tag whose interpolated values
 * are escaped (text and attribute values alike) unless they are markup this module made, so text from an
 * input (task names, messages quoting a trace, stack frames) can only ever become text. `escapeHtml` escapes
 * the five HTML metacharacters and shows control characters as `\x1b`-style escapes (they are not allowed
 * in HTML text and could hide in a bug report).
 */
import { escapeHtml } from '../contracts/escapeHtml';

export { escapeHtml };


/** A piece of markup built by `html` (or a constant of the report): never made from input text. */
export class Html {
  private constructor(readonly markup: string) {}

  /** @internal for `html`, `joinHtml` and constants of the report (the stylesheet), never for input text. */
  static trusted(markup: string): Html {
    return new Html(markup);
  }

  toString(): string {
    return this.markup;
  }
}

/** What `html` accepts: markup, text (escaped), numbers, lists of these, and nothing (`undefined`, `false`). */
export type HtmlValue = Html | string | number | undefined | null | false | readonly HtmlValue[];

function render(v: HtmlValue): string {
  if (v === undefined || v === null || v === false) return '';
  if (v instanceof Html) return v.markup;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'string') return escapeHtml(v);
  let out = '';
  for (const x of v) out += render(x);
  return out;
}

/** Markup from a template: every interpolated value is escaped unless it is `Html`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return Html.trusted(out);
}

/** Pieces of markup (or escaped text) one after the other. */
export function joinHtml(parts: readonly HtmlValue[], separator = ''): Html {
  return Html.trusted(parts.map(render).join(escapeHtml(separator)));
}
