// The kernel-log parser on samples/22-kernel-log-forms: constructed logs for every format era and reader
// prefix (5.4 columns, 5.10/6.1/6.8/6.18 task: lines, 4.x address frames, arm, decoded stacks, journal,
// syslog, dmesg -T/-x/-r, /dev/kmsg, caller ids, mail pastes, lockdep, damage), checked field by field
// against truth.json, which was written by hand from the printk formats (not from iolens).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { culpritFrame } from '../../engine/hang/stackFacts';
import { parseKernelLogText } from '../../engine/klog/readKernelLog';
import { samplesDir } from './helpers/paths';

const dir = path.join(samplesDir, '22-kernel-log-forms');
interface FileTruth {
  tasks: Record<string, unknown>[];
  damagedLines?: number[];
}
const truth = JSON.parse(readFileSync(path.join(dir, 'truth.json'), 'utf8')) as { files: Record<string, FileTruth> };

for (const [name, ft] of Object.entries(truth.files)) {
  test(`${name}: tasks, frames, lines, timestamps and damage as in truth.json`, () => {
    const r = parseKernelLogText(readFileSync(path.join(dir, name), 'latin1'));
    assert.equal(r.tasks.length, ft.tasks.length, r.tasks.map((t) => `${t.comm}:${t.pid}`).join(', '));
    for (const [i, e] of ft.tasks.entries()) {
      const t = r.tasks[i]!;
      const got: Record<string, unknown> = {
        // iolens names a task whose comm the log does not print `?`; truth says null
        comm: t.comm === '?' ? null : t.comm,
        pid: t.pid ?? null,
        tgid: t.tgid ?? null,
        ppid: t.ppid ?? null,
        // a CPU backtrace (`CPU: N PID: N Comm:`) is a running task by definition; truth leaves it null
        state: t.state === '?' || (t.source === 'dump' && t.running) ? null : t.state,
        source: t.source,
        workqueue: t.workqueue ? `${t.workqueue.name} ${t.workqueue.func}` : null,
        frames: t.frames.length,
        reliableFrames: t.frames.filter((f) => f.reliable).length,
        firstReliable: t.frames.find((f) => f.reliable)?.func ?? null,
        lastFrame: t.frames.at(-1)?.func ?? null,
        firstLine: t.firstLine,
        lastLine: t.lastLine,
        ts: t.timeSource === 'monotonic' ? (t.ts ?? null) : null,
        hungSeconds: t.hungSeconds ?? null,
        blockedIn: t.running || t.frames.length === 0 ? null : (culpritFrame(t)?.func ?? null),
      };
      for (const k of Object.keys(e)) if (k in got) assert.deepEqual(got[k], e[k], `task ${i} (${String(e['comm'])}:${String(e['pid'])}) ${k}`);
    }
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
    const damaged = ft.damagedLines ?? [];
    for (const l of damaged) assert.ok(warnings.some((d) => d.line <= l && l <= d.endLine), `damaged line ${l} is reported`);
    for (const d of warnings) assert.ok(damaged.some((l) => d.line <= l && l <= d.endLine), `no report on sound lines: ${d.line}-${d.endLine} ${d.message}`);
  });
}
