/**
 * EventConsumer: the streaming interface through which analyses see events while a file is ingested.
 *
 * A consumer declares the events it wants (`interest`, decided once per event type); ingest routes each event
 * only to the consumers that want its type, in file order, with a reused `IngestEvent` (copy what you
 * keep). Payload fields are decoded before the call when the event has a known format; analyses keep only
 * the compact state they need, so nothing proportional to the whole trace is held twice.
 */
import type { DecodedPayload } from '../decode/payloadTypes';
import type { EventStore } from '../store/eventStore';

export interface IngestEvent {
  /** Row in the store. */
  row: number;
  /** 1-based line number. */
  line: number;
  /** ns relative to the first event of the file. */
  ts: number;
  cpu: number;
  pid: number;
  /** String id (store.strings) of the task column comm. */
  comm: number;
  /** Event type id (store.typeName). */
  type: number;
  /** tracefs event name. */
  name: string;
  /** Decoded payload, or undefined for events without a known format (or whose payload did not match). */
  payload: DecodedPayload | undefined;
}

/**
 * The events a consumer reads, by tracefs name: exact names and name prefixes. Declarative (plain data), so
 * ingest can also tell the parsing workers which payloads to decode in full.
 */
export interface EventInterest {
  readonly names?: readonly string[];
  readonly prefixes?: readonly string[];
}

/** True when `name` is one of the interest's events. */
export function interestedIn(interest: EventInterest, name: string): boolean {
  if (interest.names?.includes(name)) return true;
  return interest.prefixes?.some((p) => name.startsWith(p)) ?? false;
}

export interface EventConsumer {
  /** The events the consumer wants; ingest routes only those to it (decided once per event type). */
  readonly interest: EventInterest;
  onEvent(ev: IngestEvent, store: EventStore): void;
  /** Events of `cpu` were lost before `line` (-1: every CPU / unknown). */
  onGap?(cpu: number, line: number): void;
  /** The file is complete. */
  finish?(store: EventStore): void;
}
