// The signaling WebSocket (ws package): `rid` request/response matching, server events delivered
// one at a time in arrival order, keepalive pings. Mirrors the browser SDK's SignalingClient.
import WebSocket from 'ws';
import type { ClientMessageType, ClientRequest, ResponseData, ServerEvent, ServerMessage } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol/errors';

export type RequestBody<T extends ClientMessageType> = Omit<ClientRequest<T>, 'rid'> & { t: T };

export interface SignalingHandlers {
  onEvent(event: ServerEvent): Promise<void> | void;
  onUnexpectedClose(code: number, reason: string): void;
}

const REQUEST_TIMEOUT_MS = 10_000;
const PING_INTERVAL_MS = 15_000;

interface Pending {
  resolve(data: unknown): void;
  reject(err: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingClient {
  private ws: WebSocket | null = null;
  private nextRid = 1;
  private readonly pending = new Map<number, Pending>();
  private eventChain: Promise<void> = Promise.resolve();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly handlers: SignalingHandlers,
    private readonly debug: (...args: unknown[]) => void,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.ws = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        this.pingTimer = setInterval(() => {
          this.request({ t: 'ping' }).catch((err: unknown) => this.debug('ping failed', err));
        }, PING_INTERVAL_MS);
        this.pingTimer.unref?.();
        resolve();
      });
      ws.on('error', (err) => {
        if (!opened) reject(new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not connect to ${this.url}: ${err.message}`));
      });
      ws.on('close', (code, reason) => {
        const wasClosed = this.closed;
        this.closed = true;
        this.teardown(new RoomkitError('SOMETHING_WENT_WRONG', 'The signaling connection closed'));
        if (!opened) reject(new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not connect to ${this.url} (close code ${code})`));
        else if (!wasClosed) this.eventChain = this.eventChain.then(() => this.handlers.onUnexpectedClose(code, reason.toString()));
      });
      ws.on('message', (data, isBinary) => {
        if (!isBinary) this.onMessage(data.toString());
      });
    });
  }

  request<T extends ClientMessageType>(body: RequestBody<T>, timeoutMs = REQUEST_TIMEOUT_MS): Promise<ResponseData[T]> {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN || this.closed) {
      return Promise.reject(new RoomkitError('SOMETHING_WENT_WRONG', `Cannot send '${body.t}': not connected`));
    }
    const rid = this.nextRid++;
    return new Promise<ResponseData[T]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new RoomkitError('SOMETHING_WENT_WRONG', `The server did not answer '${body.t}' within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.pending.set(rid, { resolve: resolve as (data: unknown) => void, reject, timer });
      if (body.t !== 'ping') this.debug('→', body.t);
      ws.send(JSON.stringify({ ...body, rid }));
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.teardown(new RoomkitError('SOMETHING_WENT_WRONG', 'The signaling connection was closed'));
    const ws = this.ws;
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) ws.close(1000);
  }

  get isOpen(): boolean {
    return !this.closed && this.ws?.readyState === WebSocket.OPEN;
  }

  private onMessage(raw: string): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    if (msg.t === 'res') {
      const pending = this.pending.get(msg.rid);
      if (!pending) return;
      this.pending.delete(msg.rid);
      clearTimeout(pending.timer);
      if (msg.ok) pending.resolve(msg.data);
      else pending.reject(RoomkitError.fromCode(msg.error.code, msg.error.message));
      return;
    }
    this.debug('← event', msg.t);
    this.eventChain = this.eventChain
      .then(() => this.handlers.onEvent(msg as ServerEvent))
      .catch((err: unknown) => this.debug(`handling '${msg.t}' failed:`, err));
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
