/**
 * chevrotainRuntime: Chevrotain, loaded from its self-contained ESM bundle.
 *
 * Why not `import … from 'chevrotain'`: the package's entry is ESM split over several `@chevrotain/*`
 * packages whose `exports` only define the `import` condition. Under `node --import tsx` (how unit tests,
 * the bench and scripts run) tsx compiles that ESM to CommonJS and then fails to `require` those packages.
 * The bundle `lib/chevrotain.mjs` has no imports, so it loads under tsx, plain node and esbuild alike.
 * Types come from the package itself.
 */
import type * as ChevrotainApi from 'chevrotain';
// @ts-expect-error -- the bundle has no .d.mts beside it; it is typed as the package API below.
import * as bundle from '../../../node_modules/chevrotain/lib/chevrotain.mjs';

/** The Chevrotain API. */
export const chevrotain = bundle as unknown as typeof ChevrotainApi;
