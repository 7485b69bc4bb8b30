// A real webhook receiver on 127.0.0.1 for tests: records every request, can fail its next N
// requests with 500, and can go down (closed, connections cut) and come back on the same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { verifyWebhookSignature } from '../../src/webhooks/signature.js';

export interface ReceivedWebhook {
  id: string;
  /** Request path, so one receiver can stand for several endpoints. */
  path: string;
  signature: string;
  contentType: string;
  body: string;
  json: any;
  /** What the receiver answered. */
  status: number;
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  /** Every request, in arrival order, including the ones answered with 500. */
  requests: ReceivedWebhook[];
  /** Requests answered 2xx, first one per `Roomkit-Webhook-Id` (what a deduping receiver keeps). */
  accepted(): ReceivedWebhook[];
  /** Answers the next `n` requests with 500. */
  failNext(n: number): void;
  down(): Promise<void>;
  up(): Promise<void>;
  waitForAccepted(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const requests: ReceivedWebhook[] = [];
  let failures = 0;
  let port = 0;
  let server: Server | null = null;
  const waiters = new Set<() => void>();

  const accepted = () => {
    const seen = new Set<string>();
    return requests.filter((r) => r.status === 200 && !seen.has(r.id) && (seen.add(r.id), true));
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['roomkit-signature'] ?? '');
      const status = failures > 0 ? (failures--, 500) : 200;
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {}
      requests.push({
        id: String(req.headers['roomkit-webhook-id'] ?? ''),
        path: req.url ?? '/',
        signature,
        contentType: String(req.headers['content-type'] ?? ''),
        body,
        json,
        status,
        signatureValid: verifyWebhookSignature(body, signature, secret),
      });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'try again');
      for (const wake of [...waiters]) wake();
    });
  };

  const up = async () => {
    if (server) return;
    const s = createServer(handle);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };
  const down = async () => {
    const s = server;
    if (!s) return;
    server = null;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  };
  await up();

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    accepted,
    failNext: (n) => void (failures = n),
    up,
    down,
    waitForAccepted(count, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const got = accepted();
          if (got.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(got);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} accepted webhooks (have ${accepted().length}, ${requests.length} requests)`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: down,
  };
}
