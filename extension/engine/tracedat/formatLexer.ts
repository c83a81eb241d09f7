/**
 * FormatLexer: the tokenizer of kernel event `format` files and their `print fmt`, a port of libtraceevent
 * 1.7.1's __read_token() (event-parse.c) with its quirks kept, because what trace-cmd prints depends on
 * them: operators are glued greedily (`->`, `<<=`, `&&`), string tokens keep their backslashes, adjacent
 * double-quoted strings are concatenated, a non-printable character ends the input (type NONE), and the
 * mac80211 macro names are replaced by the strings the kernel forgot to expand.
 *
 * Bounded work: every token consumes input, and the number of tokens a lexer hands out is capped at a
 * multiple of the input length, so a hostile format cannot make a caller loop forever.
 */

export const enum Tok {
  None = 0,
  Space = 1,
  Newline = 2,
  Op = 3,
  Delim = 4,
  Item = 5,
  DQuote = 6,
  SQuote = 7,
}

export class FormatSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatSyntaxError';
  }
}

const EOF = -1;

function isSpace(ch: number): boolean {
  return ch === 0x20 || (ch >= 0x09 && ch <= 0x0d);
}
function isAlnum(ch: number): boolean {
  return (ch >= 0x30 && ch <= 0x39) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a);
}
export function isPrint(ch: number): boolean {
  return ch >= 0x20 && ch < 0x7f;
}

function charType(ch: number): Tok {
  if (ch === 0x0a) return Tok.Newline;
  if (ch < 0 || ch >= 0x80) return Tok.None;
  if (isSpace(ch)) return Tok.Space;
  if (isAlnum(ch) || ch === 0x5f) return Tok.Item;
  if (ch === 0x27) return Tok.SQuote;
  if (ch === 0x22) return Tok.DQuote;
  if (!isPrint(ch)) return Tok.None;
  if (ch === 0x28 || ch === 0x29 || ch === 0x2c) return Tok.Delim;
  return Tok.Op;
}

export interface Token {
  type: Tok;
  text: string;
}

const FORCED: Record<string, string> = {
  LOCAL_PR_FMT: '"%s" ',
  STA_PR_FMT: '" sta:%pM" ',
  VIF_PR_FMT: '" vif:%p(%d)" ',
};

export class FormatLexer {
  pos: number;
  private budget: number;

  constructor(
    private readonly src: string,
    start = 0,
  ) {
    this.pos = start;
    this.budget = 4 * (src.length - start) + 64;
  }

  private read(): number {
    if (this.pos >= this.src.length) return EOF;
    return this.src.charCodeAt(this.pos++);
  }

  private peek(): number {
    if (this.pos >= this.src.length) return EOF;
    return this.src.charCodeAt(this.pos);
  }

  /** One raw token, spaces included (__read_token). */
  rawToken(): Token {
    if (--this.budget < 0) throw new FormatSyntaxError('format too complex (token budget exhausted)');
    let ch = this.read();
    if (ch === EOF) return { type: Tok.None, text: '' };
    const type = charType(ch);
    if (type === Tok.None) return { type, text: '' };
    const start = this.pos - 1;

    switch (type) {
      case Tok.Newline:
      case Tok.Delim:
        return { type, text: String.fromCharCode(ch) };
      case Tok.Op: {
        let text = String.fromCharCode(ch);
        let testEqual = false;
        if (ch === 0x2d && this.peek() === 0x3e) {
          this.read();
          return { type, text: '->' };
        }
        switch (ch) {
          case 0x2d /* - */:
          case 0x2b /* + */:
          case 0x7c /* | */:
          case 0x26 /* & */:
          case 0x3e /* > */:
          case 0x3c /* < */: {
            const last = ch;
            if (this.peek() !== last) {
              testEqual = true;
              break;
            }
            text += String.fromCharCode(this.read());
            if (last === 0x3e || last === 0x3c) testEqual = true;
            break;
          }
          case 0x21 /* ! */:
          case 0x3d /* = */:
            testEqual = true;
            break;
          default:
            break;
        }
        if (testEqual && this.peek() === 0x3d) text += String.fromCharCode(this.read());
        return { type, text };
      }
      case Tok.DQuote:
      case Tok.SQuote: {
        const quote = ch;
        let out = '';
        let resultType: Tok = type;
        for (;;) {
          // concat: (ch is the opening quote here)
          let lastCh: number;
          const segStart = this.pos;
          for (;;) {
            lastCh = ch;
            ch = this.read();
            if (ch === 0x5c && lastCh === 0x5c) lastCh = 0;
            if (ch <= 0 || ch >= 0x80) break;
            if (!((ch !== quote && isPrint(ch)) || lastCh === 0x5c || ch === 0x0a)) break;
          }
          // the character that ended the string is dropped: the closing quote, or the bad one
          out += this.src.slice(segStart, ch === EOF ? this.src.length : this.pos - 1);
          if (ch <= 0 || ch >= 0x80) resultType = Tok.None;
          if (resultType === Tok.DQuote) {
            const save = this.pos;
            let c: number;
            do {
              c = this.read();
            } while (c !== EOF && isSpace(c));
            if (c === 0x22) {
              ch = c;
              continue;
            }
            this.pos = save;
          }
          break;
        }
        return { type: resultType, text: out };
      }
      default:
        break;
    }

    while (charType(this.peek()) === type) this.pos++;
    const text = this.src.slice(start, this.pos);
    if (type === Tok.Item) {
      const forced = FORCED[text];
      if (forced !== undefined) return new FormatLexer(forced).rawToken();
    }
    return { type, text };
  }

  /** The next token that is not white space (read_token): newlines are tokens. */
  token(): Token {
    for (;;) {
      const t = this.rawToken();
      if (t.type !== Tok.Space) return t;
    }
  }

  /** The next token that is neither white space nor a newline (read_token_item). */
  item(): Token {
    for (;;) {
      const t = this.rawToken();
      if (t.type !== Tok.Space && t.type !== Tok.Newline) return t;
    }
  }
}

export function tokName(t: Tok): string {
  return ['NONE', 'SPACE', 'NEWLINE', 'OP', 'DELIM', 'ITEM', 'DQUOTE', 'SQUOTE'][t] ?? 'ERROR';
}

/** Reads a token of `type` (and `text`, when given) or throws a FormatSyntaxError saying what came instead. */
export function expectToken(t: Token, type: Tok, text?: string): void {
  if (t.type !== type) throw new FormatSyntaxError(`expected ${tokName(type)}${text !== undefined ? ` '${text}'` : ''} but read ${tokName(t.type)} '${t.text}'`);
  if (text !== undefined && t.text !== text) throw new FormatSyntaxError(`expected '${text}' but read '${t.text}'`);
}
