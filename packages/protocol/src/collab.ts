// The realtime store and data messages, zod-free: both SDKs check their arguments here before a
// round trip, and the server applies the same limits with the same words.
import { RoomkitError } from './errors.js';
import type { ClientRequest, ResponseData } from './messages.js';

/** Keys one session's realtime store holds at most (VideoSDK's limit). */
export const REALTIME_STORE_MAX_KEYS = 100;
/** Longest key, in characters. */
export const REALTIME_STORE_MAX_KEY_LENGTH = 256;
/** Largest value, in UTF-8 bytes (1 KB, as VideoSDK). */
export const REALTIME_STORE_MAX_VALUE_BYTES = 1024;
/** Largest `meeting.send()` payload, in bytes (15 KiB, as VideoSDK's data channel). */
export const DATA_MAX_PAYLOAD_BYTES = 15 * 1024;

export const RELIABILITY_MODES = ['RELIABLE', 'UNRELIABLE'] as const;
export type Reliability = (typeof RELIABILITY_MODES)[number];

const encoder = new TextEncoder();
const invalid = (message: string) => new RoomkitError('ERROR_INVALID_PARAMETER', message);

export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/** A realtime store key: a non-empty string of at most 256 characters. */
export function checkStoreKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) throw invalid('key: must be a non-empty string');
  if (key.length > REALTIME_STORE_MAX_KEY_LENGTH) throw invalid(`key: at most ${REALTIME_STORE_MAX_KEY_LENGTH} characters, got ${key.length}`);
  return key;
}

/** A realtime store value: a string of at most 1 KB (UTF-8), or null to delete the key. */
export function checkStoreValue(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid('value: must be a string, or null to delete the key');
  const bytes = utf8Length(value);
  if (bytes > REALTIME_STORE_MAX_VALUE_BYTES) throw invalid(`value: at most ${REALTIME_STORE_MAX_VALUE_BYTES} bytes, got ${bytes}`);
  return value;
}

export function checkReliability(reliability: unknown): Reliability {
  const upper = typeof reliability === 'string' ? reliability.toUpperCase() : reliability;
  if (upper === undefined) return 'RELIABLE';
  if (!RELIABILITY_MODES.includes(upper as Reliability)) throw invalid(`reliability: must be RELIABLE or UNRELIABLE, got ${String(reliability)}`);
  return upper as Reliability;
}

/** A data message's payload on the wire: text as is, bytes in base64. */
export interface DataPayloadWire {
  payload: string;
  binary: boolean;
}

const BASE64_CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  return btoa(text);
}

export function base64ToBytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Bytes a base64 string decodes to (it is checked to be base64 first). */
export function base64DecodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

function tooLarge(bytes: number): RoomkitError {
  return new RoomkitError('ERROR_PAYLOAD_TOO_LARGE', `payload: at most ${DATA_MAX_PAYLOAD_BYTES} bytes, got ${bytes}`);
}

/** Text or bytes (ArrayBuffer, a typed array or DataView) for `meeting.send()`; Blobs are read by the SDK first. */
export function encodeDataPayload(payload: unknown): DataPayloadWire {
  if (typeof payload === 'string') {
    const bytes = utf8Length(payload);
    if (bytes > DATA_MAX_PAYLOAD_BYTES) throw tooLarge(bytes);
    return { payload, binary: false };
  }
  let bytes: Uint8Array | null = null;
  if (payload instanceof ArrayBuffer) bytes = new Uint8Array(payload);
  else if (ArrayBuffer.isView(payload)) bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  if (!bytes) throw invalid('payload: must be a string, an ArrayBuffer, a typed array or a Blob');
  if (bytes.byteLength > DATA_MAX_PAYLOAD_BYTES) throw tooLarge(bytes.byteLength);
  return { payload: bytesToBase64(bytes), binary: true };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The server's side of the same limit; binary payloads must be canonical base64. */
export function checkDataPayload(wire: DataPayloadWire): void {
  if (wire.binary && !BASE64.test(wire.payload)) throw invalid('payload: must be base64 when binary is true');
  const bytes = wire.binary ? base64DecodedLength(wire.payload) : utf8Length(wire.payload);
  if (bytes > DATA_MAX_PAYLOAD_BYTES) throw tooLarge(bytes);
}

export function decodeDataPayload(wire: DataPayloadWire): string | Uint8Array {
  return wire.binary ? base64ToBytes(wire.payload) : wire.payload;
}

type StoreOp = 'realtimeStoreSet' | 'realtimeStoreGet' | 'realtimeStoreObserve' | 'realtimeStoreStopObserving';
type StoreRequestBody = { [T in StoreOp]: Omit<ClientRequest<T>, 'rid'> }[StoreOp];

/** What the store needs from an SDK's signaling connection: null while not joined. */
export interface StoreSignaling {
  request(body: StoreRequestBody): Promise<unknown>;
}

export type RealtimeStoreCallback = (value: string | null, updatedBy: string) => void;

/**
 * `meeting.realtimeStore`: a key/value store shared by everyone in the session. Values are strings
 * up to 1 KB, at most 100 keys; null deletes. `observe()` callbacks run for every change of the
 * key, the caller's own included.
 */
export class RealtimeStore {
  private readonly observers = new Map<string, { key: string; callback: RealtimeStoreCallback }>();
  /** Keys whose observe request is in flight: later observers of the key wait for the same outcome. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private nextId = 1;

  constructor(
    private readonly signaling: () => StoreSignaling | null,
    private readonly onCallbackError: (key: string, err: unknown) => void,
  ) {}

  async setValue(key: string, value: string | null): Promise<void> {
    const checkedKey = checkStoreKey(key);
    const checkedValue = checkStoreValue(value);
    await this.connected('setValue').request({ t: 'realtimeStoreSet', key: checkedKey, value: checkedValue });
  }

  async getValue(key: string): Promise<string | null> {
    const checkedKey = checkStoreKey(key);
    const result = (await this.connected('getValue').request({ t: 'realtimeStoreGet', key: checkedKey })) as ResponseData['realtimeStoreGet'];
    return result.value;
  }

  /** Calls `callback(value, updatedBy)` on every change of `key`; resolves with an id for stopObserving(). */
  async observe(key: string, callback: RealtimeStoreCallback): Promise<string> {
    const checkedKey = checkStoreKey(key);
    if (typeof callback !== 'function') throw invalid('callback: must be a function');
    const signaling = this.connected('observe');
    let request = this.pending.get(checkedKey);
    if (!request && !this.isObserved(checkedKey)) {
      request = signaling.request({ t: 'realtimeStoreObserve', key: checkedKey }).finally(() => this.pending.delete(checkedKey));
      this.pending.set(checkedKey, request);
    }
    const id = `observer-${this.nextId++}`;
    // Registered before the request, so a change that arrives while it is in flight is not missed.
    this.observers.set(id, { key: checkedKey, callback });
    try {
      await request;
    } catch (err) {
      this.observers.delete(id);
      throw err;
    }
    return id;
  }

  /** Stops the observer `id`; the server stops sending the key's changes once nobody here observes it. */
  async stopObserving(id: string): Promise<void> {
    const observer = this.observers.get(id);
    if (!observer) return;
    this.observers.delete(id);
    if (this.isObserved(observer.key)) return;
    await this.signaling()?.request({ t: 'realtimeStoreStopObserving', key: observer.key }).catch(() => {});
  }

  /** @internal A change from the server. */
  _deliver(key: string, value: string | null, updatedBy: string): void {
    for (const observer of [...this.observers.values()]) {
      if (observer.key !== key) continue;
      try {
        observer.callback(value, updatedBy);
      } catch (err) {
        this.onCallbackError(key, err);
      }
    }
  }

  /** @internal Drops every observer (the meeting ended). */
  _clear(): void {
    this.observers.clear();
  }

  private isObserved(key: string): boolean {
    for (const observer of this.observers.values()) if (observer.key === key) return true;
    return false;
  }

  private connected(action: string): StoreSignaling {
    const signaling = this.signaling();
    if (!signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `realtimeStore.${action}() needs a joined meeting`);
    return signaling;
  }
}
