/**
 * The one message envelope of iolens: requests with an id and a method, replies that carry the id back
 * (`ok` with a result, or an error message for the user), and notifications (no reply). The host <-> engine
 * worker protocol and the host <-> webview protocol both travel in it, each with its own typed method map,
 * so one client/server pair of helpers serves both.
 */

/** A request: the receiver answers with exactly one reply carrying `id`. */
export interface RequestMessage<M extends string = string, P = unknown> {
  readonly kind: 'request';
  readonly id: number;
  readonly method: M;
  readonly params: P;
}

/** The answer to a request. */
export type ReplyMessage<R = unknown> =
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly result: R }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly error: string };

/** A one-way message. */
export interface NotifyMessage<M extends string = string, P = unknown> {
  readonly kind: 'notify';
  readonly method: M;
  readonly params: P;
}

/** A map of method names to their parameter and result types (an interface of `{ params; result }` members). */
export type MethodMap<T> = { readonly [K in keyof T]: { readonly params: unknown; readonly result: unknown } };

/** The union of requests of a method map. */
export type RequestOf<T extends MethodMap<T>> = { [M in keyof T & string]: RequestMessage<M, T[M]['params']> }[keyof T & string];

/** The union of notifications of a map of method names to parameter types. */
export type NotifyOf<T> = { [M in keyof T & string]: NotifyMessage<M, T[M]> }[keyof T & string];

export type ParamsOf<T extends MethodMap<T>, M extends keyof T> = T[M]['params'];
export type ResultOf<T extends MethodMap<T>, M extends keyof T> = T[M]['result'];

/** True for a well-formed envelope of any kind (the method/params are validated by each side). */
export function isEnvelope(msg: unknown): msg is RequestMessage | ReplyMessage | NotifyMessage {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  if (m['kind'] === 'request') return typeof m['id'] === 'number' && typeof m['method'] === 'string';
  if (m['kind'] === 'reply') return typeof m['id'] === 'number' && typeof m['ok'] === 'boolean';
  if (m['kind'] === 'notify') return typeof m['method'] === 'string';
  return false;
}
