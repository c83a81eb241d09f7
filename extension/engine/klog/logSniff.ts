/**
 * logSniff: whether one line of text is a kernel-log line, for the sniff that decides what a file is
 * (input/sniffInput via ingest/sniffContent) and for the trace ingest's format votes. Cheaper and looser
 * than the parser: a line counts when it carries a reader prefix (dmesg, journal, syslog, kmsg…, also
 * behind `> ` quoting or the indentation of a code block), or when, without one, it is unmistakably part
 * of a task dump (a hung-task header, a `task:` line, a `Call Trace:` header, a stack frame of any
 * architecture, a /proc/PID/stack line, a sysrq trigger).
 *
 * Prose around a pasted report is neither: the sniff counts lines, so a report among paragraphs of text
 * is still recognised when its lines outnumber the trace lines of the head.
 */
import { stripLogPrefix } from './logPrefix';

/** Unprefixed lines that only a task dump prints. Anchored, bounded. */
const DUMP_LINE = [
  /^INFO: task .{1,80}:\d{1,10} blocked for more than/,
  /^task:.{0,32}state:\s?[RSDTtXZPIKW]/,
  /^(?:Call Trace|Call trace|Backtrace):\s*$/,
  /^(?:sysrq|SysRq ?): (?:SysRq : )?Show /,
  /^"echo 0 > \/proc\/sys\/kernel\/hung_task_timeout_secs"/,
  /^\[<[0-9a-f]{1,16}>\] (?:\? )?[A-Za-z_.$(]/,
  /^\[[0-9a-f]{8,16}\] \[[0-9a-f]{8,16}\] /,
  /^<\/?(?:TASK|IRQ|SOFTIRQ|NMI)>$/,
  /^(?:\? )?[A-Za-z_.$][\w.$]{0,255}\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16}(?: \[[\w-]{1,64}(?: [0-9a-f]{20,64})?\])?(?: \([A-Z]{1,2}\))?$/,
  /^[A-Za-z_.$][\w.$]{0,255}(?:\+0x[0-9a-f]{1,16}\/0x[0-9a-f]{1,16})? from [A-Za-z_.$][\w.$]{0,255}\+0x/,
];

/** True when `line` (one line, without its newline) is a kernel-log line. */
export function isKernelLogLine(line: string): boolean {
  const m = stripLogPrefix(line, 2000);
  if (m.prefixed) return true;
  const t = m.msg.trim();
  if (t.length < 6 || t.length > 512) return false;
  for (const re of DUMP_LINE) if (re.test(t)) return true;
  return false;
}
