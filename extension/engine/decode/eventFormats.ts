/**
 * eventFormats: the bundled declarative event formats (`grammars/events/*.json`) as one lookup from
 * event name to its variants.
 *
 * The JSON files are imported (not read from disk) so esbuild bundles them. Syscalls come from the
 * generated `syscalls.json` (argument names per syscall): `sys_enter_<name>` gets the plain form
 * `fd: {fd:sys}, …` and the `verbose` form with argument types, `sys_exit_<name>` gets `{ret:sx}`.
 */
import block from '../../../grammars/events/block.json';
import btrfs from '../../../grammars/events/btrfs.json';
import ext4 from '../../../grammars/events/ext4.json';
import filemap from '../../../grammars/events/filemap.json';
import ftrace from '../../../grammars/events/ftrace.json';
import iomap from '../../../grammars/events/iomap.json';
import ioUring from '../../../grammars/events/io_uring.json';
import readahead from '../../../grammars/events/readahead.json';
import sched from '../../../grammars/events/sched.json';
import syscalls from '../../../grammars/events/syscalls.json';
import writeback from '../../../grammars/events/writeback.json';
import xfs from '../../../grammars/events/xfs.json';
import type { VariantSource } from './compiledSchema';

/** The shape of one `grammars/events/<system>.json` file. */
export interface FormatFile {
  readonly system: string;
  readonly classes?: Readonly<Record<string, readonly VariantSource[]>>;
  readonly events: Readonly<Record<string, { readonly class?: string; readonly variants?: readonly VariantSource[] }>>;
}

/** Event name -> system and variants (in file order). */
export interface EventFormat {
  readonly system: string;
  readonly variants: readonly VariantSource[];
}

const FILES: readonly FormatFile[] = [block, btrfs, ext4, filemap, ftrace, iomap, ioUring, readahead, sched, writeback, xfs];

/** Builds the event-name lookup of the bundled formats (plus the given extra files). Throws on bad data. */
export function loadEventFormats(extra: readonly FormatFile[] = []): Map<string, EventFormat> {
  const out = new Map<string, EventFormat>();
  for (const file of [...FILES, ...extra]) {
    for (const [name, ev] of Object.entries(file.events)) {
      const variants: VariantSource[] = [];
      if (ev.class !== undefined) {
        const cls = file.classes?.[ev.class];
        if (cls === undefined) throw new TypeError(`${file.system}.json: event ${name} uses unknown class ${ev.class}`);
        variants.push(...cls);
      }
      if (ev.variants !== undefined) variants.push(...ev.variants);
      if (variants.length === 0) throw new TypeError(`${file.system}.json: event ${name} has no variants`);
      out.set(name, { system: file.system, variants });
    }
  }
  return out;
}

const SYSCALL_ARGS: Readonly<Record<string, readonly string[]>> = syscalls.syscalls;

/** The variants of `sys_enter_<name>` / `sys_exit_<name>`, or undefined for other names and unknown syscalls. */
export function syscallFormat(event: string): EventFormat | undefined {
  if (event.startsWith('sys_exit_')) {
    if (SYSCALL_ARGS[event.slice(9)] === undefined) return undefined;
    return { system: 'syscalls', variants: [{ kernels: '5.4+', template: '{ret:sx}' }] };
  }
  if (!event.startsWith('sys_enter_')) return undefined;
  const args = SYSCALL_ARGS[event.slice(10)];
  if (args === undefined) return undefined;
  const plain = args.map((a) => `${a}: {${a}:sys}`).join(', ');
  const verbose = args.map((a) => `{_:s} ${a}: {${a}:sys}`).join(', ');
  return {
    system: 'syscalls',
    variants: [
      { kernels: '5.4+', template: plain },
      { kernels: '5.4+ (verbose)', template: verbose },
    ],
  };
}
