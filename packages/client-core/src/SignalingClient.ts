// The signaling WebSocket: request/response matching by `rid`, in-order delivery of server events,
// and keepalive pings whose timeout counts as a drop. It knows nothing about meetings (MeetingCore
// interprets what arrives) nor about the platform: the socket comes from a SocketFactory.
import type {
  ClientMessageType,
  ClientRequest,
  ResponseData,
  SequencedEvent,
  ServerEvent,
  ServerMessage,
} from '@roomkit/protocol';
import { CLOSE_CODE_RECONNECTING, RoomkitError } from './protocolRuntime.js';
import { PING_INTERVAL_MS, PING_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './constants.js';
import type { Logger } from './Logger.js';
import { SOCKET_CONNECTING, SOCKET_OPEN, type SocketFactory, type WebSocketLike } from './platform.js';

/** A request as the caller writes it; SignalingClient adds the `rid`. */
export type RequestBody<T extends ClientMessageType> = Omit<ClientRequest<T>, 'rid'> & { t: T };

export interface SignalingHandlers {
  /** Called for each server event, one at a time: the next waits until this one's promise settles. */
  onEvent(event: ServerEvent): Promise<void> | void;
  /** The socket closed without close() having been called. */
  onUnexpectedClose(code: number, reason: string): void;
}

interface Pending {
  resolve(data: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient {
  private ws: WebSocketLike | null = null;
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  private eventChain: Promise<void> = Promise.resolve();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  /** `seq` of the last event received (what a resume asks the server to continue after). */
  lastSeq = 0;

  /** `after`: a previous (dropped) client whose queued events must be handled before ours. */
  constructor(
    private readonly url: string,
    private readonly handlers: SignalingHandlers,
    private readonly log: Logger,
    private readonly createSocket: SocketFactory,
    after?: SignalingClient,
  ) {
    if (after) {
      this.eventChain = after.eventChain;
      this.lastSeq = after.lastSeq;
    }
  }

  /** Opens the socket; rejects if it closes or errors before opening. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.log.debug('connecting to', this.url);
      const ws = this.createSocket(this.url);
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.startPing();
        resolve();
      };
      ws.onerror = () => {
        // The close event that follows carries the details; before open, this is the only signal.
        if (!opened) reject(new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not connect to ${this.url}`));
      };
      ws.onclose = (ev) => {
        this.log.debug('socket closed', ev.code, ev.reason);
        if (!opened) {
          this.closed = true;
          this.teardown(new RoomkitError('SOMETHING_WENT_WRONG', 'The signaling connection closed'));
          reject(new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not connect to ${this.url} (close code ${ev.code})`));
        } else {
          this.lost(ev.code, ev.reason);
        }
      };
      ws.onmessage = (ev) => this.onMessage(ev.data);
    });
  }

  /** Sends a request and resolves with the server's `data`, or rejects with a RoomkitError. */
  request<T extends ClientMessageType>(body: RequestBody<T>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseData[T]> {
    const ws = this.ws;
    if (!ws || ws.readyState !== SOCKET_OPEN || this.closed) {
      return Promise.reject(new RoomkitError('SOMETHING_WENT_WRONG', `Cannot send '${body.t}': not connected`));
    }
    const rid = this.nextRid++;
    const message = { ...body, rid };
    return new Promise<ResponseData[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new RoomkitError('SOMETHING_WENT_WRONG', `The server did not answer '${body.t}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(rid, { resolve: resolve as (data: unknown) => void, reject, timer });
      if (body.t !== 'ping') this.log.debug('→', message);
      ws.send(JSON.stringify(message));
    });
  }

  /** Closes the socket on purpose; pending requests reject and onUnexpectedClose is not called. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.teardown(new RoomkitError('SOMETHING_WENT_WRONG', 'The signaling connection was closed'));
    const ws = this.ws;
    if (ws && (ws.readyState === SOCKET_OPEN || ws.readyState === SOCKET_CONNECTING)) ws.close(1000);
  }

  get isOpen(): boolean {
    return !this.closed && this.ws?.readyState === SOCKET_OPEN;
  }

  private onMessage(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      this.log.warn('ignoring a signaling frame that is not JSON');
      return;
    }
    if (msg.t === 'res') {
      const pending = this.pending.get(msg.rid);
      if (!pending) return; // timed out already
      this.pending.delete(msg.rid);
      clearTimeout(pending.timer);
      if (msg.ok) {
        this.log.debug('←', msg);
        pending.resolve(msg.data);
      } else {
        this.log.debug('← error', msg);
        pending.reject(RoomkitError.fromCode(msg.error.code, msg.error.message));
      }
      return;
    }
    this.log.debug('← event', msg);
    const seq = (msg as SequencedEvent).seq;
    if (typeof seq === 'number') this.lastSeq = seq;
    // Responses are resolved above, outside this chain: an event handler may await a request.
    this.eventChain = this.eventChain
      .then(() => this.handlers.onEvent(msg as ServerEvent))
      .catch((err: unknown) => this.log.warn(`handling '${msg.t}' failed:`, err));
  }

  /** The socket is gone (closed, or silent past a ping timeout): tell the handler once. */
  private lost(code: number, reason: string): void {
    const wasClosed = this.closed;
    this.closed = true;
    this.teardown(new RoomkitError('SOMETHING_WENT_WRONG', 'The signaling connection closed'));
    if (wasClosed) return;
    const ws = this.ws;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = null;
      if (ws.readyState === SOCKET_OPEN || ws.readyState === SOCKET_CONNECTING) ws.close(CLOSE_CODE_RECONNECTING, 'unresponsive');
    }
    // Queued behind the events already received: a `meetingLeft` sent just before the server
    // closed the socket must be seen first, so the app learns the real reason.
    this.eventChain = this.eventChain.then(() => this.handlers.onUnexpectedClose(code, reason));
  }

  private startPing(): void {
    this.pingTimer = setInterval(() => {
      this.request({ t: 'ping' }, PING_TIMEOUT_MS).catch((err: unknown) => {
        this.log.debug('ping failed', err);
        // No answer in time: the network path is gone even if the socket does not know it yet.
        if (!this.closed) this.lost(CLOSE_CODE_RECONNECTING, 'ping timeout');
      });
    }, PING_INTERVAL_MS);
    // In Node, keepalive alone must not hold the process open (a bot whose app forgot leave()).
    (this.pingTimer as { unref?: () => void }).unref?.();
  }

  private teardown(reason: Error): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(reason);
    }
    this.pending.clear();
  }
}
