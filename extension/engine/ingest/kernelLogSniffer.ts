/**
 * Recognises lines of a kernel log (dmesg, journalctl, syslog, a pasted task dump), so that a log is
 * reported as a kernel log rather than as a trace full of unparsable lines. The recogniser lives with the
 * kernel-log parser (klog/logSniff.ts), which knows every prefix and dump form; the full kernel-log grammar
 * (tasks, stacks, hung-task reports) is the parser itself.
 */
export { isKernelLogLine } from '../klog/logSniff';
