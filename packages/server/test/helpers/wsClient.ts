// A bare signaling client over `ws`, for tests that speak the protocol directly (bad input, tokens).
import WebSocket from 'ws';

export interface WsTestClient {
  ws: WebSocket;
  messages: any[];
  sendRaw(data: string | Buffer): void;
  request(message: Record<string, unknown>): Promise<any>;
  waitFor(predicate: (m: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

let nextRid = 1;

/** `headers`: sent with the upgrade (e.g. a proxy's X-Forwarded-For). */
export async function connectWs(httpUrl: string, headers?: Record<string, string>): Promise<WsTestClient> {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/rtc`, headers ? { headers } : undefined);
  const messages: any[] = [];
  const waiters: Array<{ predicate: (m: any) => boolean; resolve: (m: any) => void }> = [];
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString());
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.predicate(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = (predicate: (m: any) => boolean, timeoutMs = 5000) =>
    new Promise<any>((resolve, reject) => {
      const found = messages.find(predicate);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error('timed out waiting for a signaling message')), timeoutMs);
      waiters.push({ predicate, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  return {
    ws,
    messages,
    sendRaw: (data) => ws.send(data),
    request(message) {
      const rid = nextRid++;
      ws.send(JSON.stringify({ ...message, rid }));
      return waitFor((m) => m.t === 'res' && m.rid === rid);
    },
    waitFor,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 2000).unref();
      });
    },
  };
}
