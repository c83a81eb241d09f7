/**
 * The line grammar (Chevrotain): every kind of line in ftrace / trace-cmd text other than the event
 * lines the anchored scan (lineScanner.ts) frames on the hot path.
 *
 * It recognises lost-event markers (`CPU:0 [LOST 39793 EVENTS]`, `CPU:1 [60229 EVENTS DROPPED]`,
 * `CPU:3 [LOST EVENTS]`), `##### CPU 1 buffer started ####`, header comments, the trace-cmd preamble
 * (`cpus=2`, `version = 7`, `CPU 1 is empty`, `CPU:0 [SUBBUFFER START]`), the tool noise that stands for a
 * record trace-cmd could not decode (`ug! no event found for type 843`, `[UNKNOWN EVENT]`, `(NULL)`), each
 * optionally behind a trace-cmd `name: ` prefix. For a line that is none of these and not an event,
 * `classify` returns an explanation built from the grammar's own error, which the parse-error finding shows.
 *
 * One lexer and one parser instance are built once and reused (Chevrotain's recommended use); the lexer
 * runs with `ensureOptimizations` so that first-character dispatch stays on.
 */
import type { IToken, TokenType } from 'chevrotain';
import { chevrotain } from '../decode/chevrotainRuntime';
import { LineKind } from './lineHeader';

const { EmbeddedActionsParser, Lexer, createToken } = chevrotain;

const WS = createToken({ name: 'WS', pattern: /[ \t]+/, group: Lexer.SKIPPED });
const BufferStarted = createToken({ name: 'BufferStarted', pattern: /#{5} CPU \d+ buffer started #{4}/ });
const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/ });
const CpuColon = createToken({ name: 'CpuColon', pattern: /CPU:\d+/ });
const CpuEmpty = createToken({ name: 'CpuEmpty', pattern: /CPU \d+ is empty/ });
const Cpus = createToken({ name: 'Cpus', pattern: /cpus=\d+/ });
const Version = createToken({ name: 'Version', pattern: /version = \d+/ });
const Ug = createToken({ name: 'Ug', pattern: /ug! [^\n]*/ });
const Unknown = createToken({ name: 'Unknown', pattern: /\[UNKNOWN (?:EVENT|TYPE \d+)\][^\n]*/ });
const NullEvent = createToken({ name: 'NullEvent', pattern: /\(NULL\)[^\n]*/ });
const ToolMessage = createToken({
  name: 'ToolMessage',
  pattern: /(?:libtraceevent|trace-cmd|warning|Error): [^\n]*|\[[\w-]+:[\w-]+\] [^\n]*/,
});
/** trace-cmd --verbose=info chatter: informational, not a sign of a lost record. */
const ToolInfo = createToken({ name: 'ToolInfo', pattern: /(?:registering plugin|overriding event|removing override handler)[^\n]*/ });
const Prefix = createToken({ name: 'Prefix', pattern: /[A-Za-z_][\w.-]*: / });
const LBracket = createToken({ name: 'LBracket', pattern: /\[/ });
const RBracket = createToken({ name: 'RBracket', pattern: /\]/ });
const Lost = createToken({ name: 'Lost', pattern: /LOST/ });
const Events = createToken({ name: 'Events', pattern: /EVENTS/ });
const Dropped = createToken({ name: 'Dropped', pattern: /DROPPED/ });
const SubbufferStart = createToken({ name: 'SubbufferStart', pattern: /SUBBUFFER START/ });
const Int = createToken({ name: 'Int', pattern: /\d+/ });
/** Any other run of non-blank characters; its first characters are listed so first-char dispatch stays on. */
const OTHER_START: string[] = [];
for (let c = 0; c < 256; c++) if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 91 && c !== 93) OTHER_START.push(String.fromCharCode(c));
OTHER_START.push('\ufffd');
const Other = createToken({ name: 'Other', pattern: /[^\s[\]]+/, start_chars_hint: OTHER_START });

const allTokens: TokenType[] = [
  WS,
  BufferStarted,
  Comment,
  CpuColon,
  CpuEmpty,
  Cpus,
  Version,
  Ug,
  Unknown,
  NullEvent,
  ToolMessage,
  ToolInfo,
  Prefix,
  LBracket,
  RBracket,
  Lost,
  Events,
  Dropped,
  SubbufferStart,
  Int,
  Other,
];

const lexer = new Lexer(allTokens, { ensureOptimizations: true, positionTracking: 'onlyOffset' });

/** What the grammar made of a line. */
export interface LineClass {
  readonly kind: LineKind;
  /** CPU of a lost marker / empty CPU / buffer-started line; -1 otherwise. */
  readonly cpu: number;
  /** Lost-event count (-1 when the line says it is unknown); `cpus=N` value; `version = N` value. */
  readonly count: number;
  /** Explanation for Noise lines. */
  readonly note: string;
  /** What the line is, in words (`lost-events`, `dropped-events`, `cpus`, `version`, ...). */
  readonly what: string;
}

function intOf(t: IToken): number {
  const m = /\d+/.exec(t.image);
  return m ? Number(m[0]) : -1;
}

class LineParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public line = this.RULE('line', (): LineClass => {
    this.OPTION(() => this.CONSUME(Prefix));
    return this.OR([
      { ALT: () => this.SUBRULE(this.cpuMarker) },
      { ALT: () => this.SUBRULE(this.preamble) },
      { ALT: () => this.SUBRULE(this.noise) },
      {
        ALT: () => {
          const t = this.CONSUME(BufferStarted);
          return { kind: LineKind.BufferStarted, cpu: intOf(t), count: -1, note: '', what: 'buffer-started' };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(Comment);
          const m = /#P:(\d+)/.exec(t.image);
          return { kind: LineKind.Comment, cpu: -1, count: m ? Number(m[1]) : -1, note: t.image, what: 'comment' };
        },
      },
    ]);
  });

  /** `CPU:N [LOST M EVENTS]`, `CPU:N [LOST EVENTS]`, `CPU:N [M EVENTS DROPPED]`, `CPU:N [EVENTS DROPPED]`, `CPU:N [SUBBUFFER START]`. */
  private cpuMarker = this.RULE('cpuMarker', (): LineClass => {
    const cpu = intOf(this.CONSUME(CpuColon));
    this.CONSUME(LBracket);
    const result = this.OR([
      {
        ALT: (): LineClass => {
          this.CONSUME(Lost);
          let count = -1;
          this.OPTION1(() => {
            count = intOf(this.CONSUME(Int));
          });
          this.CONSUME(Events);
          return { kind: LineKind.Lost, cpu, count, note: '', what: 'lost-events' };
        },
      },
      {
        ALT: (): LineClass => {
          let count = -1;
          this.OPTION2(() => {
            count = intOf(this.CONSUME1(Int));
          });
          this.CONSUME1(Events);
          this.CONSUME(Dropped);
          return { kind: LineKind.Lost, cpu, count, note: '', what: 'dropped-events' };
        },
      },
      {
        ALT: (): LineClass => {
          this.CONSUME(SubbufferStart);
          return { kind: LineKind.Preamble, cpu, count: -1, note: '', what: 'subbuffer-start' };
        },
      },
    ]);
    this.CONSUME(RBracket);
    return result;
  });

  private preamble = this.RULE('preamble', (): LineClass => {
    return this.OR([
      {
        ALT: () => ({ kind: LineKind.Preamble, cpu: -1, count: intOf(this.CONSUME(Cpus)), note: '', what: 'cpus' }),
      },
      {
        ALT: () => ({ kind: LineKind.Preamble, cpu: -1, count: intOf(this.CONSUME(Version)), note: '', what: 'version' }),
      },
      {
        ALT: () => ({ kind: LineKind.Preamble, cpu: intOf(this.CONSUME(CpuEmpty)), count: -1, note: '', what: 'cpu-empty' }),
      },
      {
        ALT: () => ({ kind: LineKind.Preamble, cpu: -1, count: -1, note: this.CONSUME(ToolInfo).image, what: 'tool-info' }),
      },
    ]);
  });

  private noise = this.RULE('noise', (): LineClass => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(Ug);
          return { kind: LineKind.Noise, cpu: -1, count: -1, note: `trace-cmd could not decode a record (${t.image.trim()})`, what: 'undecodable-record' };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(Unknown);
          return { kind: LineKind.Noise, cpu: -1, count: -1, note: `trace-cmd printed an undecodable record (${t.image.slice(0, 40).trim()})`, what: 'undecodable-record' };
        },
      },
      {
        ALT: () => {
          this.CONSUME(NullEvent);
          return { kind: LineKind.Noise, cpu: -1, count: -1, note: 'trace-cmd printed a record without an event format ((NULL))', what: 'undecodable-record' };
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(ToolMessage);
          return { kind: LineKind.Noise, cpu: -1, count: -1, note: `tool message, not a trace record (${t.image.slice(0, 60).trim()})`, what: 'tool-message' };
        },
      },
    ]);
  });
}

const parser = new LineParser();

/** Result of `classify`: either a LineClass or an explanation why the line is not understood. */
export type ClassifyResult = { ok: true; value: LineClass } | { ok: false; reason: string };

/** Classifies a line that the anchored scan did not frame as an event. */
export function classifyLine(text: string): ClassifyResult {
  const lexed = lexer.tokenize(text);
  if (lexed.tokens.length === 0) {
    return lexed.errors.length > 0 ? { ok: false, reason: 'unreadable characters' } : { ok: true, value: BLANK };
  }
  parser.input = lexed.tokens;
  const value = parser.line();
  if (parser.errors.length === 0 && lexed.errors.length === 0) return { ok: true, value };
  return { ok: false, reason: explain(text) };
}

const BLANK: LineClass = { kind: LineKind.Blank, cpu: -1, count: -1, note: '', what: 'blank' };

/** Explains why a line is neither an event nor a known special line, for the parse-error finding. */
function explain(text: string): string {
  // Control characters or replacement characters: binary data.
  let ctrl = 0;
  for (let i = 0; i < text.length && i < 512; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 0xfffd || c === 127) ctrl++;
  }
  if (ctrl > 0) return 'binary or corrupt data (control or invalid UTF-8 bytes)';
  if (!/-\d+/.test(text)) return 'no `comm-pid` task column';
  if (!/\[\d{3,}\]|-\d+\s+\d+[.dXDb]/.test(text)) return 'no CPU column (`[001]`) after the task';
  if (!/\d+(?:\.\d+)?:/.test(text)) return 'no timestamp (`123.456789:`) after the CPU column';
  return 'no `event_name:` after the timestamp, or a truncated line';
}
