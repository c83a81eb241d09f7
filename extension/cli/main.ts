/**
 * The `iolens` command line, on the engine's models and queries (the same ones the editor uses):
 *
 *   iolens analyze FILE... [--format text|json|sarif] [--html OUT.html]
 *                                                       the report (findings, requests, tasks); --html also
 *                                                       writes it as one self-contained page (graphs, histograms)
 *   iolens request FILE LINE [--format text|json]       the lifecycle of the request(s) of the event on LINE
 *   iolens events FILE [filters] [--offset N] [--limit N] [--format text|json]
 *   iolens latency FILE [--layer L] [--op OP] [--device MAJ:MIN] [--stage S] [--format text|json]
 *   iolens tasks FILE... [--format text|json]           blocked tasks of kernel logs, grouped by culprit
 *
 * Exit status: 0 when every input was read (with or without findings), 1 when an input could not be
 * read (one line on stderr says why), 2 for a usage error. Progress goes to stderr for long files.
 * Nothing from the input or the command line reaches the terminal raw: text output is escaped by its
 * renderers, and every message here goes through `textEscape` (a path with a newline stays on one line).
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyzeFile, analyzeFiles, closeModel } from '../engine/analyze';
import type { EventFilter, LatencyQuery } from '../engine/contracts/query';
import type { RequestLayer } from '../engine/contracts/report';
import { HANG_FINDING_KINDS } from '../engine/hang/hangAnalysis';
import { IngestError } from '../engine/input/ingestError';
import { fileFindings, type FileModel } from '../engine/model/fileModel';
import { ModelQueries } from '../engine/query/modelQueries';
import { renderHtml } from '../engine/report/renderHtml';
import { renderEventsText, renderLatencyText } from '../engine/report/renderQueries';
import { renderRequestText } from '../engine/report/renderRequest';
import { renderSarif } from '../engine/report/renderSarif';
import { renderTasks } from '../engine/report/renderTasks';
import { renderText } from '../engine/report/renderText';
import { escapeControls, escapeText, textLines } from '../engine/report/textEscape';
import { requestsAtLine } from '../engine/requests/requestJson';
import { VERSION } from '../engine/version';

const USAGE = `usage: iolens analyze FILE... [--format text|json|sarif] [--html OUT.html] [--quiet]
       iolens request FILE LINE [--format text|json]
       iolens events FILE [--event NAME]... [--pid N] [--comm S] [--cpu N] [--dev MAJ:MIN] [--ino N]
                     [--request ID] [--from T] [--to T] [--offset N] [--limit N] [--format text|json]
       iolens latency FILE [--layer L] [--op OP] [--device MAJ:MIN] [--stage S] [--format text|json]
       iolens tasks FILE... [--format text|json]
       iolens --version

Reads ftrace text (the kernel's trace / trace_pipe files, trace-cmd report in its layouts) and kernel
logs (dmesg, journalctl, syslog, pasted reports with hung-task / sysrq-w / sysrq-t dumps or
/proc/PID/stack), and reports what they contain and what it finds. Formats are detected from the
content. Give a log and a trace of the same window together to link blocked tasks to the trace.

analyze --html OUT.html: also writes the report as one self-contained HTML page (no script, nothing
loaded from elsewhere): findings with their evidence lines, lifecycle graphs of the requests they name,
the wait-for graph of blocked tasks and latency histograms. The usual report still goes to stdout.

events: the events matching every filter given (repeat an option to allow several values), with their
decoded fields, and the total that matched; times are absolute seconds as the trace prints them.
latency: latency distributions (percentiles and log-scale histogram bins, ns) per layer (syscall,
io_uring, fs, block, ordered-extent), op, device and stage (total, or btt's Q2G G2I I2D Q2D D2C Q2C).`;

type Format = 'text' | 'json' | 'sarif';

interface Args {
  command: string;
  files: string[];
  format: Format;
  quiet: boolean;
  /** `--html OUT.html`: where `analyze` also writes the HTML page. */
  html?: string;
  filter: {
    events: string[];
    pids: number[];
    comms: string[];
    cpus: number[];
    devices: string[];
    inodes: number[];
    requests: number[];
    from?: number;
    to?: number;
  };
  offset: number;
  limit: number;
  latency: { layer?: RequestLayer; op?: string; device?: string; stage?: string };
}

class UsageError extends Error {}

const LAYERS: readonly string[] = ['syscall', 'io_uring', 'fs', 'block', 'ordered-extent'];
const STAGES: readonly string[] = ['total', 'Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'];

function intArg(name: string, v: string | undefined, min = 0): number {
  if (v === undefined || !/^-?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw new UsageError(`${name} takes an integer${min > 0 ? ` >= ${min}` : ''} (got ${v ?? 'nothing'})`);
  return Number(v);
}

function timeArg(name: string, v: string | undefined): number {
  if (v === undefined || !/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`${name} takes a time in seconds as the trace prints it, e.g. 1109.253297 (got ${v ?? 'nothing'})`);
  return Number(v);
}

function devArg(name: string, v: string | undefined): string {
  if (v === undefined || !/^\d+[:,]\d+$/.test(v)) throw new UsageError(`${name} takes a device as MAJ:MIN, e.g. 7:0 (got ${v ?? 'nothing'})`);
  return v.replace(',', ':');
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    command: '',
    files: [],
    format: 'text',
    quiet: false,
    filter: { events: [], pids: [], comms: [], cpus: [], devices: [], inodes: [], requests: [] },
    offset: 0,
    limit: Number.POSITIVE_INFINITY,
    latency: {},
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 2) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string | undefined => (inline !== undefined ? inline : argv[++i]);
    switch (a) {
      case '--format':
      case '-f': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format takes text, json or sarif (got ${v ?? 'nothing'})`);
        args.format = v;
        break;
      }
      case '--html': {
        const v = value();
        if (!v || (v.startsWith('-') && inline === undefined)) throw new UsageError(`--html takes the path of the page to write, e.g. report.html (got ${v ?? 'nothing'})`);
        args.html = v;
        break;
      }
      case '--quiet':
      case '-q':
        args.quiet = true;
        break;
      case '--event': {
        const v = value();
        if (!v) throw new UsageError('--event takes an event name, e.g. block_rq_issue');
        args.filter.events.push(v);
        break;
      }
      case '--pid':
        args.filter.pids.push(intArg('--pid', value()));
        break;
      case '--comm': {
        const v = value();
        if (v === undefined) throw new UsageError('--comm takes a task name');
        args.filter.comms.push(v);
        break;
      }
      case '--cpu':
        args.filter.cpus.push(intArg('--cpu', value()));
        break;
      case '--dev':
        args.filter.devices.push(devArg('--dev', value()));
        break;
      case '--ino':
        args.filter.inodes.push(intArg('--ino', value()));
        break;
      case '--request':
        args.filter.requests.push(intArg('--request', value()));
        break;
      case '--from':
        args.filter.from = timeArg('--from', value());
        break;
      case '--to':
        args.filter.to = timeArg('--to', value());
        break;
      case '--offset':
        args.offset = intArg('--offset', value());
        break;
      case '--limit':
        args.limit = intArg('--limit', value());
        break;
      case '--layer': {
        const v = value();
        if (v === undefined || !LAYERS.includes(v)) throw new UsageError(`--layer takes one of ${LAYERS.join(', ')} (got ${v ?? 'nothing'})`);
        args.latency.layer = v as RequestLayer;
        break;
      }
      case '--op': {
        const v = value();
        if (!v) throw new UsageError('--op takes an operation, e.g. read');
        args.latency.op = v;
        break;
      }
      case '--device':
        args.latency.device = devArg('--device', value());
        break;
      case '--stage': {
        const v = value();
        if (v === undefined || !STAGES.includes(v)) throw new UsageError(`--stage takes one of ${STAGES.join(', ')} (got ${v ?? 'nothing'})`);
        args.latency.stage = v;
        break;
      }
      case '--':
        args.files.push(...argv.slice(i + 1));
        i = argv.length;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        if (args.command === '') args.command = a;
        else args.files.push(a);
    }
  }
  return args;
}

function progressReporter(quiet: boolean): ((file: string, read: number, total: number) => void) | undefined {
  if (quiet) return undefined;
  const tty = process.stderr.isTTY === true;
  let lastPct = -1;
  let lastFile = '';
  const started = Date.now();
  return (file, read, total) => {
    if (total < 64 * 1024 * 1024) return; // only long files
    if (file !== lastFile) {
      lastFile = file;
      lastPct = -1;
    }
    const pct = Math.floor((read / total) * 100);
    const step = tty ? 1 : 10;
    if (pct < lastPct + step && read < total) return;
    lastPct = pct;
    const secs = (Date.now() - started) / 1000;
    const msg = `iolens: ${escapeText(file)}: ${pct}% (${(read / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB, ${secs.toFixed(1)} s)`;
    process.stderr.write(tty ? `\r${msg}${read >= total ? '\n' : ''}` : `${msg}\n`);
  };
}

/** Where the CLI writes: stdout and stderr by default; tests pass their own sinks. */
export interface CliIo {
  out(text: string): Promise<void>;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => writeOut(text),
  err: (text) => {
    process.stderr.write(text);
  },
};

function validate(args: Args): void {
  const one = ['request', 'events', 'latency'];
  if (args.command === 'request') {
    if (args.files.length !== 2 || !/^[1-9]\d*$/.test(args.files[1]!)) throw new UsageError('request needs FILE and a LINE number');
  } else if (one.includes(args.command)) {
    if (args.files.length !== 1) throw new UsageError(`${args.command} needs exactly one FILE`);
  } else if (args.command !== 'analyze' && args.command !== 'tasks') throw new UsageError(`unknown command ${args.command || '(none)'}`);
  if (args.files.length === 0) throw new UsageError(`${args.command} needs at least one FILE`);
  if (args.format === 'sarif' && args.command !== 'analyze') throw new UsageError(`${args.command} prints text or json`);
  if (args.html !== undefined && args.command !== 'analyze') throw new UsageError(`--html works with analyze only`);
}

/** A path `--html` must not write to, in one line; undefined when it may. Checked before any analysis. */
export function htmlPathProblem(out: string, inputs: readonly string[]): string | undefined {
  if (!/\.html?$/i.test(out)) return `--html: ${out} does not end in .html (refused, so that a trace or log is never overwritten by mistake)`;
  const abs = path.resolve(out);
  if (inputs.some((f) => path.resolve(f) === abs)) return `--html: ${out} is one of the inputs`;
  const dir = path.dirname(abs);
  if (!existsSync(dir)) return `--html: the directory ${path.dirname(out)} does not exist`;
  if (!statSync(dir).isDirectory()) return `--html: ${path.dirname(out)} is not a directory`;
  if (existsSync(abs) && statSync(abs).isDirectory()) return `--html: ${out} is a directory`;
  try {
    accessSync(existsSync(abs) ? abs : dir, constants.W_OK);
  } catch {
    return `--html: ${existsSync(abs) ? out : `the directory ${path.dirname(out)}`} is not writable`;
  }
  return undefined;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: Args;
  try {
    if (argv.includes('--version') || argv.includes('-V')) {
      await io.out(`iolens ${VERSION}\n`);
      return 0;
    }
    if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
      await io.out(USAGE + '\n');
      return argv.length === 0 ? 2 : 0;
    }
    args = parseArgs(argv);
    validate(args);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`iolens: ${escapeText(err.message)}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (args.html !== undefined) {
    const problem = htmlPathProblem(args.html, args.files);
    if (problem !== undefined) {
      io.err(`iolens: ${escapeText(problem)}\n`);
      return 2;
    }
  }
  try {
    const onProgress = progressReporter(args.quiet);
    const opts = onProgress ? { onProgress } : {};
    switch (args.command) {
      case 'request':
      case 'events':
      case 'latency': {
        const model = await analyzeFile(args.files[0]!, opts);
        try {
          await single(args, model, io);
        } finally {
          await closeModel(model);
        }
        return 0;
      }
      default: {
        const { report, models } = await analyzeFiles(args.files, opts);
        // The HTML page asks the models for lifecycle graphs and latencies: they stay open until it is made.
        let page: string | undefined;
        try {
          if (args.html !== undefined) page = await renderHtml(report, models, { version: VERSION });
        } finally {
          await Promise.all(models.map(closeModel));
        }
        if (args.command === 'tasks') {
          const hangKinds = new Set(HANG_FINDING_KINDS);
          const json = { tasks: report.tasks, taskGroups: report.taskGroups, waitGraph: report.waitGraph, alignments: report.alignments, findings: report.findings.filter((f) => hangKinds.has(f.kind)) };
          await io.out(args.format === 'json' ? JSON.stringify(json, null, 2) + '\n' : renderTasks(report));
          return 0;
        }
        await io.out(args.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : args.format === 'sarif' ? renderSarif(report, VERSION) : renderText(report));
        if (args.html !== undefined && page !== undefined) {
          try {
            writeFileSync(args.html, page);
          } catch (err) {
            io.err(`iolens: ${escapeText(`cannot write ${args.html}: ${err instanceof Error ? err.message : String(err)}`)}\n`);
            return 1;
          }
          if (!args.quiet) io.err(`iolens: ${escapeText(`wrote ${args.html} (${Math.ceil(Buffer.byteLength(page) / 1024)} KiB)`)}\n`);
        }
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof IngestError) {
      // The input layer quoted the path already; escaping the controls again keeps any message one line.
      io.err(`iolens: ${escapeControls(err.message)}\n`);
      return 1;
    }
    throw err;
  }
}

/** The commands that answer queries on one file's model. */
async function single(args: Args, model: FileModel, io: CliIo): Promise<void> {
  const file = args.files[0]!;
  const q = new ModelQueries(model);
  if (args.command === 'request') {
    const line = Number(args.files[1]);
    const trees = model.kind === 'trace' ? requestsAtLine(model.requests, line) : [];
    await io.out(args.format === 'json' ? JSON.stringify({ file, line, requests: trees }, null, 2) + '\n' : renderRequestText(trees, file, line));
    return;
  }
  if (args.command === 'latency') {
    const groups = q.latency(args.latency as LatencyQuery);
    // Times are ns; a raw counter clock's are ticks, and says so (`"unit": "counter"`).
    const unit = model.ingest.formatDetails.clock === 'counter' ? 'counter' : 'ns';
    await io.out(args.format === 'json' ? JSON.stringify({ file, ...(unit === 'counter' ? { unit } : {}), groups }, null, 2) + '\n' : renderLatencyText(file, groups, unit));
    return;
  }
  await events(args, q, model, io);
}

/** `iolens events`: streamed in chunks, so millions of events never make one string. */
async function events(args: Args, q: ModelQueries, model: FileModel, io: CliIo): Promise<void> {
  const file = args.files[0]!;
  const f = args.filter;
  const filter: EventFilter = {
    ...(f.events.length ? { events: f.events } : {}),
    ...(f.pids.length ? { pids: f.pids } : {}),
    ...(f.comms.length ? { comms: f.comms } : {}),
    ...(f.cpus.length ? { cpus: f.cpus } : {}),
    ...(f.devices.length ? { devices: f.devices } : {}),
    ...(f.inodes.length ? { inodes: f.inodes } : {}),
    ...(f.requests.length ? { requests: f.requests } : {}),
    ...(f.from !== undefined ? { from: f.from } : {}),
    ...(f.to !== undefined ? { to: f.to } : {}),
  };
  const findings = fileFindings(model);
  // A counter clock prints counts, not seconds: times are shown and filtered in its own units.
  const counter = model.ingest.formatDetails.clock === 'counter';
  const scale = counter ? 1 : 1e9;
  const first = q.eventsPage(filter, args.offset, 0, false, findings);
  const total = first?.total ?? 0;
  const end = Math.min(total, args.offset + args.limit);
  const json = args.format === 'json';
  if (json) await io.out(`{\n  "file": ${JSON.stringify(file)},\n  "total": ${total},\n  "offset": ${Math.min(args.offset, total)},\n  "events": [`);
  else await io.out(textLines([`${file}: ${total} event${total === 1 ? '' : 's'} match${total === 1 ? 'es' : ''}${args.offset > 0 || end < total ? `; showing ${Math.min(args.offset, total)}-${end}` : ''}`]));
  const CHUNK = 2000;
  let firstRow = true;
  for (let at = args.offset; at < end; at += CHUNK) {
    const page = q.eventsPage(filter, at, Math.min(CHUNK, end - at), false, findings)!;
    const rows: string[] = [];
    const objs = [];
    for (let i = 0; i < page.line.length; i++) {
      // JSON: the kernel's values by field name; text: each value as the trace prints it (dev as MAJ:MIN, hex as hex).
      const fields = json ? (q.fieldsOfRow(page.row[i]!) ?? {}) : Object.fromEntries(q.fieldViewsOfRow(page.row[i]!).map((fv) => [fv.name, fv.text]));
      objs.push({ line: page.line[i]!, ts: page.tsNs[i]! / scale, cpu: page.cpu[i]!, pid: page.pid[i]!, comm: page.strings[page.comm[i]!]!, event: page.strings[page.event[i]!]!, fields });
    }
    if (json) {
      for (const o of objs) {
        rows.push(`${firstRow ? '\n' : ',\n'}    ${JSON.stringify(o)}`);
        firstRow = false;
      }
      await io.out(rows.join(''));
    } else {
      await io.out(renderEventsText(objs, counter ? 0 : model.ingest.formatDetails.timestampDigits));
    }
  }
  if (json) await io.out(`${firstRow ? '' : '\n  '}]\n}\n`);
}

function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (err) => (err ? reject(err) : resolve()));
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`iolens: internal error: ${(err instanceof Error ? (err.stack ?? err.message) : String(err)).split('\n').map(escapeControls).join('\n')}\n`);
      process.exitCode = 70;
    },
  );
}
