/**
 * The `iolens` command line: `iolens analyze FILE... [--format text|json|sarif]`, `iolens request FILE LINE`
 * and `iolens tasks FILE...` (blocked tasks of kernel logs, grouped by culprit, linked to traces given too).
 *
 * Exit status: 0 when every input was read (with or without findings), 1 when an input could not be
 * read (one line on stderr says why), 2 for a usage error. Progress goes to stderr for long files.
 */
import { analyzeFile, analyzeFiles, closeModel } from '../engine/analyze';
import { HANG_FINDING_KINDS } from '../engine/hang/hangAnalysis';
import { renderRequestText } from '../engine/report/renderRequest';
import { requestsAtLine } from '../engine/requests/requestJson';
import { IngestError } from '../engine/input/ingestError';
import { renderSarif } from '../engine/report/renderSarif';
import { renderTasks } from '../engine/report/renderTasks';
import { renderText } from '../engine/report/renderText';
import { VERSION } from '../engine/version';

const USAGE = `usage: iolens analyze FILE... [--format text|json|sarif] [--quiet]
       iolens request FILE LINE [--format text|json]
       iolens tasks FILE... [--format text|json]
       iolens --version

Reads ftrace text (the kernel's trace / trace_pipe files, trace-cmd report in its layouts) and kernel
logs (dmesg, journalctl, syslog, pasted reports with hung-task / sysrq-w / sysrq-t dumps or
/proc/PID/stack), and reports what they contain and what it finds. Formats are detected from the
content. Give a log and a trace of the same window together to link blocked tasks to the trace.`;

type Format = 'text' | 'json' | 'sarif';

interface Args {
  command: string;
  files: string[];
  format: Format;
  quiet: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { command: '', files: [], format: 'text', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--format' || a === '-f') {
      const v = argv[++i];
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format takes text, json or sarif (got ${v ?? 'nothing'})`);
      args.format = v;
    } else if (a.startsWith('--format=')) {
      const v = a.slice('--format='.length);
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format takes text, json or sarif (got ${v})`);
      args.format = v;
    } else if (a === '--quiet' || a === '-q') {
      args.quiet = true;
    } else if (a === '--') {
      args.files.push(...argv.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') {
      throw new UsageError(`unknown option ${a}`);
    } else if (args.command === '') {
      args.command = a;
    } else {
      args.files.push(a);
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
    const msg = `iolens: ${file}: ${pct}% (${(read / 1e6).toFixed(0)} of ${(total / 1e6).toFixed(0)} MB, ${secs.toFixed(1)} s)`;
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
    if (args.command === 'request') {
      if (args.files.length !== 2 || !/^[1-9]\d*$/.test(args.files[1]!)) throw new UsageError('request needs FILE and a LINE number');
      if (args.format === 'sarif') throw new UsageError('request prints text or json');
    } else if (args.command === 'tasks') {
      if (args.format === 'sarif') throw new UsageError('tasks prints text or json');
    } else if (args.command !== 'analyze') throw new UsageError(`unknown command ${args.command || '(none)'}`);
    if (args.files.length === 0) throw new UsageError(`${args.command} needs at least one FILE`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`iolens: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  try {
    const onProgress = progressReporter(args.quiet);
    if (args.command === 'request') {
      const [file, lineText] = args.files as [string, string];
      const line = Number(lineText);
      const model = await analyzeFile(file, onProgress ? { onProgress } : {});
      const trees = model.kind === 'trace' ? requestsAtLine(model.requests, line) : [];
      await closeModel(model);
      await io.out(args.format === 'json' ? JSON.stringify({ file, line, requests: trees }, null, 2) + '\n' : renderRequestText(trees, file, line));
      return 0;
    }
    const { report, models } = await analyzeFiles(args.files, onProgress ? { onProgress } : {});
    await Promise.all(models.map(closeModel));
    if (args.command === 'tasks') {
      const hangKinds = new Set(HANG_FINDING_KINDS);
      const json = { tasks: report.tasks, taskGroups: report.taskGroups, waitGraph: report.waitGraph, alignments: report.alignments, findings: report.findings.filter((f) => hangKinds.has(f.kind)) };
      await io.out(args.format === 'json' ? JSON.stringify(json, null, 2) + '\n' : renderTasks(report));
      return 0;
    }
    const out = args.format === 'json' ? JSON.stringify(report, null, 2) + '\n' : args.format === 'sarif' ? renderSarif(report, VERSION) : renderText(report);
    await io.out(out);
    return 0;
  } catch (err) {
    if (err instanceof IngestError) {
      io.err(`iolens: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
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
      process.stderr.write(`iolens: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}
