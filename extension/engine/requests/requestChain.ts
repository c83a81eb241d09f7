/**
 * Walks over request chains: the lines of a request and of everything below it (the evidence of a
 * finding), following children across layers.
 */
import type { RequestView } from './requestView';

/** Every line of a request and of the requests below it (block requests contribute their own lines). */
export function chainLines(v: RequestView, r: number, into: Set<number> = new Set()): Set<number> {
  for (const l of v.lines(r)) into.add(l);
  for (const c of v.children(r)) {
    if (v.layer(c) !== 'block') chainLines(v, c, into);
    else for (const l of v.lines(c)) into.add(l);
  }
  return into;
}
