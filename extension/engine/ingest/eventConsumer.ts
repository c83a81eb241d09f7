/**
 * EventConsumer: the streaming interface through which analyses see events while a file is ingested.
 *
 * A consumer declares the events it wants (`wants`, asked once per event type); ingest routes each event
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

export interface EventConsumer {
  /** True when the consumer wants the events called `name` (tracefs name); asked once per event type. */
  wants(name: string): boolean;
  onEvent(ev: IngestEvent, store: EventStore): void;
  /** Events of `cpu` were lost before `line` (-1: every CPU / unknown). */
  onGap?(cpu: number, line: number): void;
  /** The file is complete. */
  finish?(store: EventStore): void;
}
