/**
 * The event print handlers trace-cmd 3.1.6 uses instead of (or before) an event's print format, from
 * libtraceevent1-plugin 1.7.1: sched_switch / sched_wakeup(_new) (plugin_sched_switch), ftrace function,
 * func_repeats, kernel_stack and raw_data (plugin_function, which wins over trace-cmd's own function
 * handler), sys_enter_futex (plugin_futex), the kmem call-site events (plugin_kmem), hrtimer_start /
 * hrtimer_expire_entry (plugin_hrtimer) and tlb_flush (plugin_tlb). A handler returns its text and whether
 * the print format is to be printed after it (a nonzero C return value). Not ported: kvm, kvmmmu,
 * mac80211 (their events print with their print formats here) and trace-cmd's funcgraph handlers, which
 * need the following record.
 */
import { TWO32, toBig, type U64 } from './cNumbers';
import { findAnyField, findField, type EventFormat, type FormatField } from './eventFormat';
import type { RecordEval } from './recordEval';
import type { RenderContext } from './renderContext';

export interface HandlerResult {
  readonly text: string;
  readonly pretty: boolean;
}

export type EventHandler = (r: RecordEval, ctx: RenderContext) => HandlerResult;

/** A trace_seq-like accumulator with tep_get_field_val and friends. */
class Seq {
  s = '';
  constructor(readonly r: RecordEval) {}

  /** tep_get_field_val: the value, or undefined (after printing the error when `err`). */
  val(name: string, err: boolean): U64 | undefined {
    const f = findField(this.r.ev, name);
    if (!f) {
      if (err) this.s += `<CANT FIND FIELD ${name}>`;
      return undefined;
    }
    if (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8) {
      if (err) this.s += ` ${name}=INVALID`;
      return undefined;
    }
    return this.r.readNum(f.offset, f.size);
  }

  /** tep_print_num_field with a `%llu` / `0x%llx` / `%ld` format. */
  numField(name: string, kind: 'u' | 'x' | 'ld', err: boolean): boolean {
    const f = findField(this.r.ev, name);
    if (!f || (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8)) {
      if (err) this.s += `CAN'T FIND FIELD "${name}"`;
      return false;
    }
    const v = this.r.readNum(f.offset, f.size);
    this.s += kind === 'x' ? '0x' + v.toString(16) : kind === 'ld' ? lld(v) : v.toString();
    return true;
  }

  /** tep_print_func_field(" function=%s"): `name/0x<start - addr>` or `0x%08llx`. */
  funcField(prefix: string, name: string, ctx: RenderContext): void {
    const f = findField(this.r.ev, name);
    if (!f || (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8)) return;
    const v = toBig(this.r.readNum(f.offset, f.size));
    const hit = ctx.symbol(v);
    const tmp = hit ? `${hit.name}/0x${BigInt.asUintN(64, -hit.offset).toString(16)}` : '0x' + v.toString(16).padStart(8, '0');
    this.s += prefix + tmp;
  }

  done(pretty: boolean): HandlerResult {
    return { text: this.s, pretty };
  }
}

function lld(v: U64): string {
  return typeof v === 'number' ? String(v) : BigInt.asIntN(64, v).toString();
}

function int32(v: U64): number {
  return typeof v === 'number' ? v % TWO32 | 0 : Number(BigInt.asIntN(32, v));
}

/** write_and_save_comm: `%.*s` of the comm array, registered for `pid`. */
function comm(q: Seq, f: FormatField, pid: U64, ctx: RenderContext): void {
  const c = q.r.cString(f.offset, f.size);
  q.s += c;
  ctx.registerComm?.(int32(pid), c);
}

function writeState(v: U64): string {
  const states = 'SDTtZXxW';
  const val = int32(v);
  let out = '';
  for (let i = 0; i < states.length; i++) {
    if (!(val & (1 << i))) continue;
    if (out) out += '|';
    out += states[i];
  }
  return out || 'R';
}

const schedSwitch: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  let v = q.val('prev_pid', true);
  if (v === undefined) return { text: q.s + '!', pretty: true };
  const pc = findAnyField(r.ev, 'prev_comm');
  if (pc) {
    comm(q, pc, v, ctx);
    q.s += ':';
  }
  q.s += lld(v) + ' ';
  v = q.val('prev_prio', true);
  if (v !== undefined) q.s += `[${int32(v)}] `;
  v = q.val('prev_state', true);
  if (v !== undefined) q.s += writeState(v);
  q.s += ' ==> ';
  v = q.val('next_pid', true);
  if (v === undefined) return { text: q.s + '!', pretty: true };
  const nc = findAnyField(r.ev, 'next_comm');
  if (nc) {
    comm(q, nc, v, ctx);
    q.s += ':';
  }
  q.s += lld(v);
  v = q.val('next_prio', true);
  if (v !== undefined) q.s += ` [${int32(v)}]`;
  return q.done(false);
};

const schedWakeup: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  const pid = q.val('pid', true);
  if (pid === undefined) return { text: q.s + '!', pretty: true };
  const c = findAnyField(r.ev, 'comm');
  if (c) {
    comm(q, c, pid, ctx);
    q.s += ':';
  }
  q.s += lld(pid);
  let v = q.val('prio', true);
  if (v !== undefined) q.s += ` [${lld(v)}]`;
  v = q.val('success', false);
  if (v !== undefined) q.s += ` success=${lld(v)}`;
  v = q.val('target_cpu', false);
  if (v !== undefined) q.s += ` CPU:${v.toString().padStart(3, '0')}`;
  return q.done(false);
};

/** plugin_function's per-CPU stacks of function names, for the call indentation (option `indent`, on). */
const functionStacks = new WeakMap<EventFormat, (string | null)[][]>();

function indexFor(ev: EventFormat, parent: string, child: string | undefined, cpu: number): number {
  if (cpu < 0) return 0;
  let stacks = functionStacks.get(ev);
  if (!stacks) functionStacks.set(ev, (stacks = []));
  while (stacks.length <= cpu) stacks.push([]);
  const st = stacks[cpu]!;
  const addChild = (name: string | undefined, pos: number): void => {
    if (name === undefined) return;
    if (pos >= st.length) for (let i = 0; i < 10; i++) st.push(null);
    st[pos] = name;
  };
  for (let i = 0; i < st.length && st[i] !== null; i++) {
    if (st[i] === parent) {
      addChild(child, i + 1);
      return i;
    }
  }
  addChild(parent, 0);
  addChild(child, 1);
  return 0;
}

function functionText(q: Seq, ctx: RenderContext): boolean {
  const ip = q.val('ip', true);
  if (ip === undefined) {
    q.s += '!';
    return false;
  }
  const func = ctx.symbol(toBig(ip))?.name;
  const pip = q.val('parent_ip', true);
  if (pip === undefined) {
    q.s += '!';
    return false;
  }
  const parent = ctx.symbol(toBig(pip))?.name;
  let index = 0;
  if (parent !== undefined) index = indexFor(q.r.ev, parent, func, ctx.cpu ?? -1);
  q.s += ' '.repeat(index * 3);
  q.s += func !== undefined ? func : '0x' + ip.toString(16);
  return true;
}

const functionHandler: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  const ok = functionText(q, ctx);
  return q.done(!ok);
};

const funcRepeats: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  functionText(q, ctx);
  const count = q.val('count', true);
  if (count === undefined) return { text: q.s + '!', pretty: true };
  const top = q.val('top_delta_ts', true);
  if (top === undefined) return { text: q.s + '!', pretty: true };
  const bottom = q.val('bottom_delta_ts', true);
  if (bottom === undefined) return { text: q.s + '!', pretty: true };
  q.s += ` (count: ${lld(count)}  last_ts: `;
  const ts = BigInt.asUintN(64, (ctx.timestamp ?? 0n) - ((toBig(top) << 32n) | toBig(bottom)));
  const t = BigInt.asUintN(64, ts + 500n) / 1000n;
  q.s += `${(t / 1000000n).toString().padStart(5, ' ')}.${(t % 1000000n).toString().padStart(6, '0')}`;
  q.s += ')';
  return q.done(false);
};

const kernelStack: EventHandler = (r, ctx) => {
  const f = findAnyField(r.ev, 'caller');
  if (!f) return { text: '<CANT FIND FIELD caller>', pretty: false };
  let s = '<stack trace >\n';
  const ls = ctx.longSize;
  for (let off = f.offset; off < r.size; off += ls) {
    const addr = r.readNum(off, ls);
    if ((ls === 8 && addr === 0xffffffffffffffffn) || int32(addr) === -1) break;
    const hit = ctx.symbol(toBig(addr));
    s += hit ? `=> ${hit.name} (${addr.toString(16)})\n` : `=> ${addr.toString(16)}\n`;
  }
  return { text: s, pretty: false };
};

const rawData: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  const id = q.val('id', true);
  if (id === undefined) return { text: q.s + '!', pretty: true };
  q.s += '# ' + id.toString(16);
  const f = findAnyField(r.ev, 'buf');
  if (!f) return { text: q.s + '<CANT FIND FIELD buf>', pretty: false };
  // chunks of the kernel long size, each printing up to sizeof(long) (8) bytes, as the plugin does
  for (let off = f.offset; off < r.size; off += ctx.longSize) {
    const n = Math.min(8, r.size - off);
    for (let i = 0; i < n; i++) {
      const b = r.data[r.base + off + i]!;
      q.s += ' ' + (b < 16 ? '0' : '') + b.toString(16);
    }
  }
  return q.done(false);
};

const FUTEX_OPS: readonly (readonly [string, string | null, string | null, string | null, string | null])[] = [
  ['FUTEX_WAIT', ' val=0x%08llx', ' utime=0x%08llx', null, null],
  ['FUTEX_WAKE', ' val=%llu', null, null, null],
  ['FUTEX_FD', ' val=%llu', null, null, null],
  ['FUTEX_REQUEUE', ' val=%llu', ' val2=%llu', ' uaddr2=0x%08llx', null],
  ['FUTEX_CMP_REQUEUE', ' val=%llu', ' val2=%llu', ' uaddr2=0x%08llx', ' val3=0x%08llx'],
  ['FUTEX_WAKE_OP', ' val=%llu', ' val2=%llu', ' uaddr2=0x%08llx', ' val3=0x%08llx'],
  ['FUTEX_LOCK_PI', null, ' utime=0x%08llx', null, null],
  ['FUTEX_UNLOCK_PI', null, null, null, null],
  ['FUTEX_TRYLOCK_PI', null, null, null, null],
  ['FUTEX_WAIT_BITSET', ' val=0x%08llx', ' utime=0x%08llx', null, ' val3=0x%08llx'],
  ['FUTEX_WAKE_BITSET', ' val=%llu', null, null, ' val3=0x%08llx'],
  ['FUTEX_WAIT_REQUEUE_PI', ' val=0x%08llx', ' utime=0x%08llx', ' uaddr2=0x%08llx', ' val3=0x%08llx'],
  ['FUTEX_CMP_REQUEUE_PI', ' val=%llu', ' val2=%llu', ' uaddr2=0x%08llx', ' val3=0x%08llx'],
];

function futexFmt(fmt: string | null, v: U64): string {
  if (fmt === null) return '';
  const head = fmt.slice(0, fmt.indexOf('%'));
  return fmt.endsWith('%llu') ? head + v.toString() : head + v.toString(16).padStart(8, '0');
}

const futex: EventHandler = (r) => {
  const q = new Seq(r);
  const names = ['uaddr', 'op', 'val', 'utime', 'uaddr2', 'val3'];
  const vals: U64[] = [];
  for (const n of names) {
    const v = q.val(n, true);
    if (v === undefined) return q.done(true);
    vals.push(v);
  }
  const [uaddr, op, val, utime, uaddr2, val3] = vals as [U64, U64, U64, U64, U64, U64];
  const opb = toBig(op);
  const cmd = opb & ~384n;
  if (cmd >= BigInt(FUTEX_OPS.length)) return q.done(true);
  const fop = FUTEX_OPS[Number(cmd)]!;
  q.s += `op=${fop[0]}`;
  if (opb & 128n) q.s += '|FUTEX_PRIVATE_FLAG';
  if (opb & 256n) q.s += '|FUTEX_CLOCK_REALTIME';
  q.s += ' uaddr=0x' + uaddr.toString(16).padStart(8, '0');
  q.s += futexFmt(fop[1], val) + futexFmt(fop[2], utime) + futexFmt(fop[3], uaddr2) + futexFmt(fop[4], val3);
  return q.done(false);
};

const callSite: EventHandler = (r, ctx) => {
  const f = findField(r.ev, 'call_site');
  if (!f || (f.size !== 1 && f.size !== 2 && f.size !== 4 && f.size !== 8)) return { text: '', pretty: true };
  const v = toBig(r.readNum(f.offset, f.size));
  const hit = ctx.symbol(v);
  if (!hit) return { text: '', pretty: true };
  return { text: `(${hit.name}+0x${(Number(BigInt.asUintN(32, hit.offset)) >>> 0).toString(16)}) `, pretty: true };
};

const hrtimerExpire: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  q.s += 'hrtimer=';
  if (!q.numField('timer', 'x', false)) q.numField('hrtimer', 'x', true);
  q.s += ' now=';
  q.numField('now', 'u', true);
  q.funcField(' function=', 'function', ctx);
  return q.done(false);
};

const hrtimerStart: EventHandler = (r, ctx) => {
  const q = new Seq(r);
  q.s += 'hrtimer=';
  if (!q.numField('timer', 'x', false)) q.numField('hrtimer', 'x', true);
  q.funcField(' function=', 'function', ctx);
  q.s += ' expires=';
  q.numField('expires', 'u', true);
  q.s += ' softexpires=';
  q.numField('softexpires', 'u', true);
  return q.done(false);
};

const TLB_REASONS = ['flush on task switch', 'remote shootdown', 'local shootdown', 'local mm shootdown'];

const tlbFlush: EventHandler = (r) => {
  const q = new Seq(r);
  q.s += 'pages=';
  q.numField('pages', 'ld', true);
  const v = q.val('reason', true);
  if (v === undefined) return q.done(true);
  q.s += ' reason=';
  if (typeof v === 'number' && v < TLB_REASONS.length) q.s += TLB_REASONS[v];
  q.s += ` (${lld(v)})`;
  return q.done(false);
};

const HANDLERS = new Map<string, EventHandler>([
  ['sched:sched_switch', schedSwitch],
  ['sched:sched_wakeup', schedWakeup],
  ['sched:sched_wakeup_new', schedWakeup],
  ['ftrace:function', functionHandler],
  ['ftrace:func_repeats', funcRepeats],
  ['ftrace:kernel_stack', kernelStack],
  ['ftrace:raw_data', rawData],
  ['syscalls:sys_enter_futex', futex],
  ['kmem:kfree', callSite],
  ['kmem:kmalloc', callSite],
  ['kmem:kmalloc_node', callSite],
  ['kmem:kmem_cache_alloc', callSite],
  ['kmem:kmem_cache_alloc_node', callSite],
  ['kmem:kmem_cache_free', callSite],
  ['timer:hrtimer_expire_entry', hrtimerExpire],
  ['timer:hrtimer_start', hrtimerStart],
  ['tlb:tlb_flush', tlbFlush],
]);

export function findEventHandler(system: string, name: string): EventHandler | undefined {
  return HANDLERS.get(`${system}:${name}`);
}

