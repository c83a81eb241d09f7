/**
 * IngestIssues: collects what went wrong while reading a file and turns it into findings:
 * `parse-error` (runs of skipped lines with the same reason, payloads of known events that match none of
 * their formats, and events read although a task or buffer name in them holds control characters), `lost-events` (lost / dropped markers, overwritten ring buffers) and
 * `timestamp-disorder` (time going backwards within one CPU). Memory is bounded: runs are merged and at
 * most `limit` findings of each kind are kept, the rest are only counted.
 */
import type { Finding, JsonValue } from '../contracts/finding';
import { formatDuration } from '../report/formatDuration';

interface Run {
  first: number;
  last: number;
  count: number;
  reason: string;
  sample: string;
}

export class IngestIssues {
  skippedLines = 0;
  private readonly runs: Run[] = [];
  private runsDropped = 0;
  /** Runs of events read with control characters in a name (`reason` is which name). */
  private readonly suspects: (Run & { controls: string })[] = [];
  private suspectsDropped = 0;
  private readonly payloadErrors = new Map<string, { first: number; count: number; lines: number[]; sample: string }>();
  private readonly lost: Finding[] = [];
  private readonly disorder: Finding[] = [];
  private disorderTotal = 0;
  lostEvents = 0;
  lostMarkers = 0;
  lostUnknown = 0;
  /** Per marker kind (`lost-events`, `dropped-events`, `buffer-started`, `overrun`): markers, events they count, markers without a count. */
  readonly lostKinds = new Map<string, { markers: number; events: number; unknown: number }>();

  constructor(
    private readonly file: string,
    private readonly limit = 2000,
  ) {}

  /** A line that could not be read. Consecutive lines with the same reason merge into one finding. */
  skip(line: number, reason: string, sample: string): void {
    this.skippedLines++;
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last.last === line - 1 && last.reason === reason) {
      last.last = line;
      last.count++;
      return;
    }
    if (this.runs.length >= this.limit) {
      this.runsDropped++;
      return;
    }
    this.runs.push({ first: line, last: line, count: 1, reason, sample: sample.slice(0, 120) });
  }

  /**
   * An event read although its `what` (task name, buffer name) holds control characters (`controls`:
   * `0x1b, 0x07`): damage, or a task that named itself so. Consecutive lines with the same name kind merge.
   */
  suspectName(line: number, what: string, controls: string, sample: string): void {
    const last = this.suspects[this.suspects.length - 1];
    if (last !== undefined && last.last === line - 1 && last.reason === what) {
      last.last = line;
      last.count++;
      // The run lists the distinct controls of its lines (a few: they are named, not counted).
      for (const c of controls.split(', ')) if (!last.controls.includes(c) && last.controls.split(', ').length < 6) last.controls += `, ${c}`;
      return;
    }
    if (this.suspects.length >= this.limit) {
      this.suspectsDropped++;
      return;
    }
    this.suspects.push({ first: line, last: line, count: 1, reason: what, sample: sample.slice(0, 120), controls });
  }

  /** The event on `line` has the first event name beyond the `kept` distinct ones the store tells apart. */
  tooManyEventNames(line: number, kept: number): void {
    this.overflow = { line, kept };
  }

  private overflow: { line: number; kept: number } | undefined;

  /** A known event whose payload matched none of its formats. */
  payloadMismatch(line: number, event: string, sample: string): void {
    let e = this.payloadErrors.get(event);
    if (e === undefined) {
      e = { first: line, count: 0, lines: [], sample: sample.slice(0, 160) };
      this.payloadErrors.set(event, e);
    }
    e.count++;
    if (e.lines.length < 20) e.lines.push(line);
  }

  /** A lost / dropped events marker or an overwrite annotation. `count` -1 means unknown. */
  lostMarker(line: number, cpu: number, count: number, what: string): void {
    this.lostMarkers++;
    if (count >= 0) this.lostEvents += count;
    else this.lostUnknown++;
    let k = this.lostKinds.get(what);
    if (k === undefined) this.lostKinds.set(what, (k = { markers: 0, events: 0, unknown: 0 }));
    k.markers++;
    if (count >= 0) k.events += count;
    else k.unknown++;
    if (this.lost.length >= this.limit) return;
    const cpuText = cpu >= 0 ? `CPU ${cpu}` : 'the trace';
    const message =
      what === 'buffer-started'
        ? `The ring buffer of CPU ${cpu} was overwritten: its events before this line are missing (the kernel prints "buffer started" only after overruns).`
        : what === 'overrun'
          ? `The ring buffer overwrote ${count} events before the file was read (entries-in-buffer < entries-written).`
          : count >= 0
            ? `${count} events of ${cpuText} were ${what === 'dropped-events' ? 'dropped' : 'lost'} here; requests spanning this point are incomplete, not hung.`
            : `An unknown number of events of ${cpuText} were ${what === 'dropped-events' ? 'dropped' : 'lost'} here; requests spanning this point are incomplete, not hung.`;
    this.lost.push({
      kind: 'lost-events',
      severity: 'warning',
      message,
      file: this.file,
      line,
      evidence: [{ file: this.file, line, role: lostRole(what, cpu, count) }],
      details: { cpu, lost: count >= 0 ? count : null, marker: what },
    });
  }

  /** Time went backwards on `cpu`: `line` is earlier than `prevLine`. */
  timestampDisorder(line: number, prevLine: number, cpu: number, prevTsNs: number, tsNs: number): void {
    this.disorderTotal++;
    if (this.disorder.length >= this.limit) return;
    const back = prevTsNs - tsNs;
    this.disorder.push({
      kind: 'timestamp-disorder',
      severity: 'warning',
      message: `Time goes backwards on CPU ${cpu} by ${formatDuration(back)} (line ${prevLine} is later than this line); latencies across this point are unreliable.`,
      file: this.file,
      line,
      evidence: [
        { file: this.file, line: prevLine, role: `later timestamp on CPU ${cpu}` },
        { file: this.file, line, role: `time goes back ${formatDuration(back)} on CPU ${cpu}` },
      ],
      details: { cpu, previousLine: prevLine, backwardsNs: back },
    });
  }

  findings(): Finding[] {
    const out: Finding[] = [];
    for (const r of this.runs) {
      const where = r.count === 1 ? `Line ${r.first}` : `Lines ${r.first}-${r.last} (${r.count} lines)`;
      out.push({
        kind: 'parse-error',
        severity: 'warning',
        message: `${where} skipped: ${r.reason}.`,
        file: this.file,
        line: r.first,
        evidence: [{ file: this.file, line: r.first, role: r.count === 1 ? 'skipped line' : `first of ${r.count} skipped lines` }],
        details: { scope: 'line', count: r.count, lastLine: r.last, reason: r.reason, sample: r.sample },
      });
    }
    if (this.runsDropped > 0 && out.length > 0) {
      const d = out[out.length - 1]!.details as { [k: string]: JsonValue };
      d['moreRunsNotListed'] = this.runsDropped;
    }
    for (const r of this.suspects) {
      const where = r.count === 1 ? `Line ${r.first}` : `Lines ${r.first}-${r.last} (${r.count} lines)`;
      out.push({
        kind: 'parse-error',
        severity: 'warning',
        message: `${where} read as ${r.count === 1 ? 'an event' : 'events'}, but the ${r.reason} holds control characters (${r.controls}): a damaged line, or a task that gave itself such a name; it is shown escaped.`,
        file: this.file,
        line: r.first,
        evidence: [{ file: this.file, line: r.first, role: `${r.reason} with control characters` }],
        details: { scope: 'name', name: r.reason, controls: r.controls, count: r.count, lastLine: r.last, sample: r.sample },
      });
    }
    if (this.suspectsDropped > 0 && this.suspects.length > 0) {
      const d = out[out.length - 1]!.details as { [k: string]: JsonValue };
      d['moreRunsNotListed'] = this.suspectsDropped;
    }
    for (const [event, e] of this.payloadErrors) {
      out.push({
        kind: 'parse-error',
        severity: 'warning',
        message: `${e.count} ${event} event${e.count === 1 ? '' : 's'} with a payload that matches none of the known ${event} formats (corrupt record or an unknown kernel version); kept as raw text.`,
        file: this.file,
        line: e.first,
        evidence: e.lines.map((line) => ({ file: this.file, line, role: `${event}: payload matches no format` })),
        details: { scope: 'payload', event, count: e.count, sample: e.sample },
      });
    }
    if (this.overflow !== undefined) {
      const { line, kept } = this.overflow;
      out.push({
        kind: 'parse-error',
        severity: 'warning',
        message: `More than ${kept} distinct event names (a damaged or generated file): from this line on, events with a name not seen before are counted together as "(other event names)".`,
        file: this.file,
        line,
        evidence: [{ file: this.file, line, role: `event name number ${kept + 1}` }],
        details: { scope: 'file', keptNames: kept },
      });
    }
    out.push(...this.lost);
    out.push(...this.disorder);
    if (this.disorderTotal > this.disorder.length && this.disorder.length > 0) {
      const d = this.disorder[this.disorder.length - 1]!.details as { [k: string]: JsonValue };
      d['moreNotListed'] = this.disorderTotal - this.disorder.length;
    }
    return out;
  }

  /** Parse-error findings are dropped when the file turns out to be a kernel log (not a trace). */
  forgetLineErrors(): void {
    this.runs.length = 0;
    this.suspects.length = 0;
    this.skippedLines = 0;
  }
}

/** What a lost-events marker line is: `12 events lost on CPU 1`, `CPU 1 buffer overwritten before this`. */
function lostRole(what: string, cpu: number, count: number): string {
  const on = cpu >= 0 ? ` on CPU ${cpu}` : '';
  if (what === 'buffer-started') return `CPU ${cpu} buffer overwritten before this line`;
  if (what === 'overrun') return `ring buffer overrun: ${count} events overwritten`;
  const verb = what === 'dropped-events' ? 'dropped' : 'lost';
  return count >= 0 ? `${count} events ${verb}${on}` : `events ${verb}${on} (count unknown)`;
}
