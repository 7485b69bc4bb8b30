// One `pubSub.subscribe(topic, listeners, options)` registration in VideoSDK 1.1's form: realtime
// messages go to onMessageReceived one by one and to onBatchReceived grouped, at most
// `newMessageLimit` per 500 ms window; beyond that they queue (up to `maxQueue` batches) or drop
// (`realtimeOverflow`), and onMessageDrop hears how many were dropped.
import type { PubSubMessage } from '@roomkit/protocol';
import { RoomkitError } from './protocolRuntime.js';

export interface PubSubListeners {
  onMessageReceived?: (message: PubSubMessage) => void;
  onBatchReceived?: (messages: PubSubMessage[]) => void;
  onOldMessagesReceived?: (messages: PubSubMessage[], info: { isLast: boolean }) => void;
  onMessageDrop?: (info: { droppedCount: number }) => void;
}

export interface PubSubSubscribeOptions {
  /** How many of the topic's persisted messages to deliver (the newest ones); 0: none. Default all. */
  oldMessageLimit?: number | null;
  /** With newMessageLimit: what happens to messages beyond it. Default 'queue'. */
  realtimeOverflow?: 'queue' | 'drop' | null;
  /** With realtimeOverflow 'queue': how many windows' worth of messages wait, 1..200. Default 70. */
  maxQueue?: number | null;
  /** At most this many realtime messages per 500 ms window. Default unlimited. */
  newMessageLimit?: number | null;
}

const WINDOW_MS = 500;
const DEFAULT_MAX_QUEUE = 70;
const MAX_QUEUE_LIMIT = 200;
const CALLBACKS = ['onMessageReceived', 'onBatchReceived', 'onOldMessagesReceived', 'onMessageDrop'] as const;

function invalid(message: string): RoomkitError {
  return new RoomkitError('ERROR_INVALID_PARAMETER', `pubSub.subscribe(): ${message}`);
}

/** Throws ERROR_INVALID_PARAMETER unless every given callback is a function. */
export function checkListeners(listeners: unknown, method: string): asserts listeners is PubSubListeners {
  if (!listeners || typeof listeners !== 'object') throw new RoomkitError('ERROR_INVALID_PARAMETER', `pubSub.${method}(): pass the listeners object ({onMessageReceived, ...}) or a callback`);
  for (const name of CALLBACKS) {
    const cb = (listeners as Record<string, unknown>)[name];
    if (cb !== undefined && cb !== null && typeof cb !== 'function') {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `pubSub.${method}(): listeners.${name} must be a function`);
    }
  }
}

export interface CheckedSubscribeOptions {
  oldMessageLimit: number | undefined;
  newMessageLimit: number | undefined;
  realtimeOverflow: 'queue' | 'drop' | undefined;
  maxQueue: number | undefined;
}

/** Options after the checks VideoSDK documents (null and undefined mean "default"). */
export function checkSubscribeOptions(options: PubSubSubscribeOptions | undefined): CheckedSubscribeOptions {
  const o = options ?? {};
  const oldMessageLimit = o.oldMessageLimit ?? undefined;
  const newMessageLimit = o.newMessageLimit ?? undefined;
  const realtimeOverflow = o.realtimeOverflow ?? undefined;
  const maxQueue = o.maxQueue ?? undefined;
  if (oldMessageLimit !== undefined && !(Number.isInteger(oldMessageLimit) && oldMessageLimit >= 0)) throw invalid(`oldMessageLimit must be an integer ≥ 0, got ${String(oldMessageLimit)}`);
  if (newMessageLimit !== undefined && !(Number.isInteger(newMessageLimit) && newMessageLimit > 0)) throw invalid(`newMessageLimit must be an integer > 0, got ${String(newMessageLimit)}`);
  if (realtimeOverflow !== undefined && realtimeOverflow !== 'queue' && realtimeOverflow !== 'drop') throw invalid(`realtimeOverflow must be 'queue' or 'drop', got ${String(realtimeOverflow)}`);
  if (maxQueue !== undefined) {
    if (realtimeOverflow === 'drop') throw invalid("maxQueue cannot be combined with realtimeOverflow 'drop'");
    if (!(Number.isInteger(maxQueue) && maxQueue >= 1 && maxQueue <= MAX_QUEUE_LIMIT)) throw invalid(`maxQueue must be an integer from 1 to ${MAX_QUEUE_LIMIT}, got ${String(maxQueue)}`);
  }
  return { oldMessageLimit, newMessageLimit, realtimeOverflow, maxQueue };
}

export class PubSubListener {
  private pending: PubSubMessage[] = [];
  private flushScheduled = false;
  private windowStart = 0;
  private sentInWindow = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    readonly listeners: PubSubListeners,
    private readonly options: CheckedSubscribeOptions,
    private readonly warn: (what: string, err: unknown) => void,
  ) {}

  /** Persisted messages from the server, trimmed to oldMessageLimit (the newest kept). */
  deliverOld(messages: PubSubMessage[]): void {
    const limit = this.options.oldMessageLimit;
    const old = limit === undefined ? messages : limit === 0 ? [] : messages.slice(-limit);
    this.call('onOldMessagesReceived', () => this.listeners.onOldMessagesReceived?.(old, { isLast: true }));
  }

  /** A realtime message; delivered in a batch with the others arriving in the same turn. */
  push(message: PubSubMessage): void {
    if (this.closed) return;
    this.pending.push(message);
    const limit = this.options.newMessageLimit;
    if (limit !== undefined && this.options.realtimeOverflow !== 'drop') {
      const cap = limit * (this.options.maxQueue ?? DEFAULT_MAX_QUEUE);
      if (this.pending.length > cap) this.drop(this.pending.splice(0, this.pending.length - cap).length);
    }
    if (!this.flushScheduled && !this.timer) {
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  close(): void {
    this.closed = true;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    if (this.closed || this.pending.length === 0) return;
    const limit = this.options.newMessageLimit;
    let batch: PubSubMessage[];
    if (limit === undefined) {
      batch = this.pending;
      this.pending = [];
    } else {
      const now = Date.now();
      if (now - this.windowStart >= WINDOW_MS) {
        this.windowStart = now;
        this.sentInWindow = 0;
      }
      batch = this.pending.splice(0, Math.max(0, limit - this.sentInWindow));
      this.sentInWindow += batch.length;
      if (this.pending.length > 0) {
        if (this.options.realtimeOverflow === 'drop') this.drop(this.pending.splice(0).length);
        else this.timer = setTimeout(() => {
          this.timer = null;
          this.flush();
        }, Math.max(0, this.windowStart + WINDOW_MS - now));
      }
    }
    if (batch.length === 0) return;
    for (const m of batch) this.call('onMessageReceived', () => this.listeners.onMessageReceived?.(m));
    this.call('onBatchReceived', () => this.listeners.onBatchReceived?.(batch));
  }

  private drop(droppedCount: number): void {
    if (droppedCount > 0) this.call('onMessageDrop', () => this.listeners.onMessageDrop?.({ droppedCount }));
  }

  private call(name: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.warn(name, err);
    }
  }
}
