// The POST of a webhook whose URL came from a participant: node:http(s) with the outbound
// policy as the socket's resolver, so the address checked is the address connected to, on every
// attempt (the URL may be retried for hours; its DNS may change meanwhile). fetch (undici) takes
// no resolver without the undici package, hence this small client. No redirects, as for fetch.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { OutboundRefusedError, type OutboundPolicy } from './OutboundPolicy.js';

export interface PostInit {
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

/** Resolves with the HTTP status (the body is discarded); rejects on refusal or network error. */
export async function guardedPost(policy: OutboundPolicy, url: string, init: PostInit): Promise<number> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new OutboundRefusedError('only http:// and https:// webhook URLs are allowed');
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // Node does not call `lookup` for an IP literal.
  if (isIP(host) !== 0) await policy.check(host);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = send(target, { method: 'POST', headers: { ...init.headers, 'Content-Length': Buffer.byteLength(init.body) }, lookup: policy.lookup, signal: init.signal, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
