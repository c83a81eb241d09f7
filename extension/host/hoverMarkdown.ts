/**
 * hoverMarkdown: the markdown of a hover on one line, from the engine's LineInfo: the event (name, time
 * from the trace start and from the task's previous event, CPU, task, every decoded field with its unit
 * and meaning), the request chains it belongs to as a compact lifecycle across layers (each request with
 * its range, result and latency, btt stages for block requests, each stage with its offset and a link to
 * its line), the findings at the line in words with links to their evidence, and for kernel logs the task
 * report the line lies in. Every string from the trace goes through `mdText`; the only links are command
 * links to `iolens.revealLine` (enabled on the MarkdownString by the provider). vscode-free.
 */
import { describeKind } from '../engine/contracts/findingKinds';
import type { FieldView, FindingRef, LineInfo, RequestChain, RequestNode } from '../engine/contracts/query';
import type { TaskReport } from '../engine/contracts/report';
import { commandLink, formatBytes, formatNs, formatOffset, mdText } from './markdownText';

export const REVEAL_COMMAND = 'iolens.revealLine';

export interface HoverContext {
  /** URI (string) of the document hovered: links reveal lines in it. */
  readonly viewUri: string;
  /** The analysed file's name in findings (evidence in other files opens those). */
  readonly sourceFile: string;
  /** Finding kinds not to show. */
  readonly hiddenKinds: ReadonlySet<string>;
  /** Stages listed per request at most. */
  readonly maxStages?: number;
  /** Requests listed per chain at most. */
  readonly maxNodes?: number;
}

/** A link that reveals source line `line` of `file` (the hovered view's file when omitted). */
function lineLink(ctx: HoverContext, line: number, label = `line ${line}`, file?: string): string {
  const args = file === undefined || file === ctx.sourceFile ? [ctx.viewUri, line] : [ctx.viewUri, line, file];
  return commandLink(label, REVEAL_COMMAND, args, file !== undefined && file !== ctx.sourceFile ? `${basename(file)} line ${line}` : `line ${line}`);
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

/** The hover's markdown, or undefined when there is nothing to say about the line. */
export function hoverMarkdown(info: LineInfo, ctx: HoverContext): string | undefined {
  const parts: string[] = [];
  const findings = info.findings.filter((f) => !ctx.hiddenKinds.has(f.finding.kind));
  if (findings.length > 0) parts.push(findingsSection(findings, ctx));
  if (info.event) parts.push(eventSection(info, ctx));
  if (info.chains.length > 0) parts.push(chainsSection(info.chains, ctx));
  if (info.task) parts.push(taskSection(info.task, ctx));
  return parts.length > 0 ? parts.join('\n\n---\n\n') : undefined;
}

function eventSection(info: LineInfo, ctx: HoverContext): string {
  const e = info.event!;
  const out: string[] = [];
  out.push(`**${mdText(e.event)}** ${e.system ? `(${mdText(e.system)})` : ''} · CPU ${e.cpu} · ${mdText(e.comm)} pid ${e.pid}${e.instance ? ` · instance ${mdText(e.instance)}` : ''}`);
  const times = [`at ${mdText(e.tsText)} s`, `${formatOffset(e.sinceStartNs)} from the trace start`];
  if (e.sincePrevTaskNs !== null && e.prevTaskLine !== null) times.push(`${formatOffset(e.sincePrevTaskNs)} after this task's ${lineLink(ctx, e.prevTaskLine, 'previous event')}`);
  out.push(times.join(' · '));
  if (e.fields.length > 0) {
    out.push('| field | value | meaning |\n|---|---|---|\n' + e.fields.map((f) => fieldRow(f)).join('\n'));
  } else if (!e.decoded && e.payload.length > 0) {
    out.push(`_payload not decoded (no known format matched):_ ${mdText(e.payload, 300)}`);
  }
  return out.join('\n\n');
}

function fieldRow(f: FieldView): string {
  const unit = f.unit !== undefined ? ` ${mdText(f.unit)}` : '';
  return `| ${mdText(f.name)} | ${mdText(f.text, 120)}${unit} | ${f.meaning !== undefined ? mdText(f.meaning, 200) : ''} |`;
}

function chainsSection(chains: readonly RequestChain[], ctx: HoverContext): string {
  const maxNodes = ctx.maxNodes ?? 8;
  return chains
    .map((c) => {
      const lines = [`**Request lifecycle** (${c.nodes.length} request${c.nodes.length === 1 ? '' : 's'} across ${new Set(c.nodes.map((n) => n.layer)).size} layer${new Set(c.nodes.map((n) => n.layer)).size === 1 ? '' : 's'})`];
      for (const n of c.nodes.slice(0, maxNodes)) lines.push(nodeLine(n, ctx));
      if (c.nodes.length > maxNodes || c.truncated) lines.push(`- … ${c.truncated ? 'more' : c.nodes.length - maxNodes} more request${c.nodes.length - maxNodes === 1 ? '' : 's'} (iolens: Show Request Lifecycle)`);
      return lines.join('\n');
    })
    .join('\n\n');
}

/** One request of a chain: `- block R 7:0 870424+32 (16 KiB) → complete, Q2C 86.2 µs` and its stages. */
function nodeLine(n: RequestNode, ctx: HoverContext): string {
  const indent = '  '.repeat(Math.min(n.depth, 6));
  const what = [mdText(n.layer), `**${mdText(n.op)}**`];
  if (n.dev !== null) what.push(`dev ${mdText(n.dev)}`);
  if (n.ino !== null) what.push(`ino ${n.ino}`);
  if (n.sector !== null && n.sectors !== null) what.push(`sector ${n.sector}+${n.sectors}`);
  if (n.offset !== null) what.push(`@${n.offset}`);
  if (n.length !== null) what.push(formatBytes(n.length));
  if (n.layer !== 'block' || n.comm !== '') what.push(`${mdText(n.comm)} pid ${n.pid}`);
  const outcome: string[] = [];
  if (n.errno !== undefined) outcome.push(`**failed ${mdText(n.errno)}**`);
  else if (n.result !== null && n.length !== null && n.result >= 0 && n.result < n.length) outcome.push(`**${formatBytes(n.result)} of ${formatBytes(n.length)}**`);
  else if (n.result !== null && n.result >= 0 && n.layer !== 'block') outcome.push(`→ ${n.result}`);
  if (!n.complete) outcome.push('_incomplete in the trace_');
  if (n.latencyNs !== null) outcome.push(formatNs(n.latencyNs));
  if (n.btt) {
    const order = ['Q2G', 'G2I', 'I2D', 'Q2D', 'D2C', 'Q2C'];
    const btt = order.filter((k) => n.btt![k] !== undefined).map((k) => `${k} ${formatNs(n.btt![k]!)}`);
    if (btt.length > 0) outcome.push(btt.join(' · '));
  }
  const first = n.stages[0];
  const head = `${indent}- ${what.join(' ')}${outcome.length > 0 ? ` — ${outcome.join(', ')}` : ''}${first ? ` (${lineLink(ctx, first.line)})` : ''}`;
  const maxStages = ctx.maxStages ?? 8;
  const stages = n.stages.slice(0, maxStages).map((s) => `${lineLink(ctx, s.line, mdText(s.name))} ${s.offsetNs === 0 ? '' : formatOffset(s.offsetNs)}`.trim());
  if (n.stages.length > maxStages) stages.push(`… ${n.stages.length - maxStages} more`);
  return stages.length > 1 ? `${head}\n${indent}  stages: ${stages.join(' · ')}` : head;
}

function findingsSection(findings: readonly FindingRef[], ctx: HoverContext): string {
  return findings
    .slice(0, 4)
    .map(({ finding: f }) => {
      const icon = f.severity === 'error' ? '$(error)' : f.severity === 'warning' ? '$(warning)' : '$(info)';
      const lines = [`${icon} **${mdText(f.kind)}** (${f.severity}): ${mdText(f.message, 800)}`, `_${mdText(describeKind(f.kind))}_`];
      const here = f.file === ctx.sourceFile ? ` at ${lineLink(ctx, f.line, `line ${f.line}`)}` : ` in ${mdText(basename(f.file))} ${lineLink(ctx, f.line, `line ${f.line}`, f.file)}`;
      lines.push(`Decisive event${here}.`);
      const ev = f.evidence.filter((e) => !(e.line === f.line && e.file === f.file));
      if (ev.length > 0) {
        const shown = ev.slice(0, 10).map((e) => `- ${lineLink(ctx, e.line, `line ${e.line}`, e.file)}: ${mdText(e.role)}${e.file !== f.file ? ` (${mdText(basename(e.file))})` : ''}`);
        if (ev.length > 10) shown.push(`- … ${ev.length - 10} more evidence lines`);
        lines.push(`Evidence:\n${shown.join('\n')}`);
      }
      return lines.join('\n\n');
    })
    .join('\n\n');
}

function taskSection(t: TaskReport, ctx: HoverContext): string {
  const out: string[] = [];
  const state = t.state === 'D' ? 'D (uninterruptible)' : mdText(t.state);
  out.push(`**${mdText(t.comm)}**${t.pid !== undefined ? ` pid ${t.pid}` : ''} · state ${state}${t.hungSeconds !== undefined ? ` · blocked for more than ${t.hungSeconds} s` : ''} · ${lineLink(ctx, t.firstLine, `lines ${t.firstLine}–${t.lastLine}`)}`);
  if (t.culprit !== undefined) out.push(`Culprit frame: \`${t.culprit.replace(/`/g, '')}\` · waits on: ${mdText(t.waitsOn.label)}`);
  if (t.orderedExtentWait) out.push(mdText(t.orderedExtentWait.words, 600));
  if (t.blocker) out.push(`Blocked on a ${mdText(t.blocker.lock)}${t.blocker.ownerComm !== undefined ? ` held by ${mdText(t.blocker.ownerComm)}${t.blocker.ownerPid !== undefined ? ` pid ${t.blocker.ownerPid}` : ''}` : ''}`);
  if (t.workqueue) out.push(`Workqueue ${mdText(t.workqueue.name)}: ${mdText(t.workqueue.func)}`);
  if (t.trace?.blockedLine !== undefined) out.push(`In the trace: blocked since ${lineLink(ctx, t.trace.blockedLine, `line ${t.trace.blockedLine}`, t.trace.file)} of ${mdText(basename(t.trace.file))}`);
  return out.join('\n\n');
}
