/**
 * The kernel-log model: tasks printed by sysrq-w/sysrq-t, hung-task reports, blocker hints and
 * /proc/PID/stack snapshots, each with its frames and the log lines it came from. This is the JSON
 * contract of `tasks[]` in `iolens analyze --format json` and of `iolens tasks`.
 */

// a task dump with no recognised trigger (pasted, or its header was lost)

