// An HTTP refusal written on a raw upgrade socket (no WebSocket yet), which is then closed.
import type { Duplex } from 'node:stream';
import { countError } from '../metrics/appMetrics.js';

/** Answers a raw upgrade socket with an HTTP error and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  // An HTTP answer in the API error shape like any other (roomkit_errors_total{source="http"}).
  if (body !== undefined) countError('http', (body as { error?: { code?: unknown } }).error?.code);
  const head = [`HTTP/1.1 ${status} ${reason}`, 'Connection: close'];
  if (text) head.push('Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(text)}`);
  if (socket.writable) socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
  // end() leaves the socket to the client's FIN; a client that never reads must not keep it.
  setTimeout(() => socket.destroy(), 1000).unref();
}
