/**
 * Recognises lines of a kernel log (dmesg, journalctl, syslog) by their prefix, so that a log is
 * reported as a kernel log rather than as a trace full of unparsable lines. The full kernel-log grammar
 * (tasks, stacks, hung-task reports) is a separate parser.
 */
const PATTERNS: readonly RegExp[] = [
  /^(?:<\d+>)?\[\s*\d+\.\d+(?: <\s*[\d.]+>)?\]/, // dmesg, console, dmesg -r/-d
  /^\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/, // dmesg -T
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ kernel: /, // journalctl / syslog
  /^\d{4}-\d\d-\d\dT[\d:.,]+(?:[+-]\d\d:?\d\d|Z)? (?:\S+ kernel: )?/, // iso variants
  /^\w+\s*:\w+\s*: \[\s*\d+\.\d+\]/, // dmesg -x
  /^\d+,\d+,\d+,[-c];/, // /dev/kmsg raw
];

export function isKernelLogLine(text: string): boolean {
  for (const p of PATTERNS) if (p.test(text)) return true;
  return false;
}
