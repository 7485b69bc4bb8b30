// What the meeting core needs from its platform to talk to the server: a WebSocket. The browser
// passes `(url) => new WebSocket(url)`, Node passes the `ws` package's WebSocket, the unit tests
// a fake. Media (PeerConnections, tracks, RTP) stays entirely in the platform layer: see
// MeetingMedia in MeetingCore.ts.

/** readyState values of the W3C WebSocket (the `ws` package uses the same numbers). */
export const SOCKET_CONNECTING = 0;
export const SOCKET_OPEN = 1;

/** A handler whose event parameter is checked both ways (the DOM's handlers take richer events). */
type Handler<E> = { bivarianceHack(ev: E): void }['bivarianceHack'];

/** The subset of the W3C WebSocket the core uses; both the DOM's and `ws`'s implement it. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: Handler<unknown> | null;
  onerror: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onmessage: Handler<{ data: unknown }> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => WebSocketLike;

/** The media-independent parts of a platform. */
export interface MeetingPlatform {
  createSocket: SocketFactory;
}
