/**
 * templateParser: the Chevrotain lexer and parser of the event-format template language
 * (`grammars/events/*.json`), e.g. `{dev:dev} {rwbs:w} {sector:u} + {nr_sector:u} [{comm:s}]`.
 *
 * A template is literal text with fields `{name:kind}`; `{{` and `}}` stand for literal braces. The lexer
 * has two modes (text outside fields, name/kind inside), so literal text can hold any character. Parsing
 * happens once per template when an event's schema is first built, never on the decode path; the parser
 * instance is reused. The result is a list of parts; `templateCompiler` turns it into match ops.
 */
import type { IToken } from 'chevrotain';
import { chevrotain } from './chevrotainRuntime';
import type { FieldKind } from './payloadTypes';

/** One part of a parsed template. */
export type TemplatePart =
  | { readonly type: 'literal'; readonly text: string }
  | { readonly type: 'field'; readonly name: string; readonly kind: FieldKind };

const KINDS: ReadonlySet<string> = new Set<FieldKind>([
  'u', 'd', 'x', 'h', 'sx', 'sys', 'dev', 's', 'w', 'p', 'flags', 'sym', 'rest', 'uop', 'sop',
]);

const { createToken, EmbeddedActionsParser, Lexer } = chevrotain;

const EscOpen = createToken({ name: 'EscOpen', pattern: /\{\{/, start_chars_hint: ['{'] });
const EscClose = createToken({ name: 'EscClose', pattern: /\}\}/, start_chars_hint: ['}'] });
const FieldOpen = createToken({ name: 'FieldOpen', pattern: /\{/, push_mode: 'field' });
const Text = createToken({ name: 'Text', pattern: /[\t -z|~]+/, line_breaks: false });
const StrayClose = createToken({ name: 'StrayClose', pattern: /\}/ });
const Ident = createToken({ name: 'Ident', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const FieldClose = createToken({ name: 'FieldClose', pattern: /\}/, pop_mode: true });

const allTokens = [EscOpen, EscClose, FieldOpen, Text, StrayClose, Ident, Colon, FieldClose];

const templateLexer = new Lexer(
  { modes: { text: [EscOpen, EscClose, FieldOpen, Text, StrayClose], field: [Ident, Colon, FieldClose] }, defaultMode: 'text' },
  { ensureOptimizations: true, positionTracking: 'onlyOffset' },
);

class TemplateGrammar extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false });
    this.performSelfAnalysis();
  }

  public template = this.RULE('template', (): TemplatePart[] => {
    const parts: TemplatePart[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => parts.push({ type: 'literal', text: this.CONSUME(Text).image }) },
        { ALT: () => { this.CONSUME(EscOpen); parts.push({ type: 'literal', text: '{' }); } },
        { ALT: () => { this.CONSUME(EscClose); parts.push({ type: 'literal', text: '}' }); } },
        { ALT: () => { parts.push(this.SUBRULE(this.field)); } },
      ]);
    });
    return parts;
  });

  private field = this.RULE('field', (): TemplatePart => {
    this.CONSUME(FieldOpen);
    const name: IToken = this.CONSUME1(Ident);
    this.CONSUME(Colon);
    const kind: IToken = this.CONSUME2(Ident);
    this.CONSUME(FieldClose);
    return { type: 'field', name: name.image, kind: kind.image as FieldKind };
  });
}

let parser: TemplateGrammar | undefined;

/** Parses a template into literal and field parts (adjacent literals merged). Throws on syntax errors. */
export function parseTemplate(template: string): TemplatePart[] {
  const lexed = templateLexer.tokenize(template);
  if (lexed.errors.length > 0) {
    throw new SyntaxError(`template ${JSON.stringify(template)}: ${lexed.errors[0]!.message}`);
  }
  parser ??= new TemplateGrammar();
  parser.input = lexed.tokens;
  const parts = parser.template();
  if (parser.errors.length > 0) {
    throw new SyntaxError(`template ${JSON.stringify(template)}: ${parser.errors[0]!.message}`);
  }
  const merged: TemplatePart[] = [];
  for (const p of parts) {
    if (p.type === 'field' && !KINDS.has(p.kind)) {
      throw new SyntaxError(`template ${JSON.stringify(template)}: unknown kind ${p.kind} of field ${p.name}`);
    }
    const last = merged[merged.length - 1];
    if (p.type === 'literal' && last?.type === 'literal') merged[merged.length - 1] = { type: 'literal', text: last.text + p.text };
    else merged.push(p);
  }
  return merged;
}
