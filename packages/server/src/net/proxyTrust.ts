// Who a request came from and which origin it addressed, when a reverse proxy (nginx, a load
// balancer) stands in front: the `trustProxy` setting says which peers' X-Forwarded-* / Forwarded
// headers are believed. Untrusted (the default), those headers change nothing: the socket's peer is
// the client and the Host header names the server. Shared by the HTTP app (URLs in responses) and
// signaling (per-address limits), hence outside both layers.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyAddr from '@fastify/proxy-addr';

/** As config: off, every peer, the n nearest hops, or addresses/CIDRs/proxy-addr names (`loopback`). */
export type TrustProxy = boolean | number | readonly string[];
export type TrustFn = (address: string, hop: number) => boolean;

export function trustFunction(trust: TrustProxy | undefined): TrustFn {
  if (trust === undefined || trust === false) return () => false;
  if (trust === true) return () => true;
  // The n nearest hops, whoever they are (Express's meaning): the server must be reachable only
  // through the proxy (bind to loopback or firewall it), or a client could forge them.
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  return proxyAddr.compile([...trust]);
}

/** The client's address: the socket's peer, or the nearest untrusted X-Forwarded-For entry. */
export function clientAddress(req: IncomingMessage, trust: TrustFn): string | undefined {
  if (!req.socket?.remoteAddress) return undefined;
  return proxyAddr(req, trust);
}

// Host names, IPv4, bracketed IPv6, with an optional port: nothing that could smuggle a path,
// credentials or a second URL into the links built from it.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/i;
const lastEntry = (value: string | string[] | undefined): string | undefined => {
  const joined = Array.isArray(value) ? value.join(',') : value;
  const entry = joined?.split(',').pop()?.trim();
  return entry ? entry : undefined;
};

/** `proto` and `host` of the last element of an RFC 7239 `Forwarded` header (the nearest proxy's). */
export function parseForwarded(value: string | undefined): { proto?: string; host?: string } {
  const element = lastEntry(value);
  if (!element) return {};
  const out: { proto?: string; host?: string } = {};
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    let v = pair.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    if (key === 'proto') out.proto = v.toLowerCase();
    if (key === 'host') out.host = v;
  }
  return out;
}

/**
 * `scheme://host[:port]` as the client addressed this server: from a trusted proxy's
 * X-Forwarded-Proto / X-Forwarded-Host (or, without them, `Forwarded: proto=…;host=…`), else the
 * socket (TLS or not) and the Host header. A forwarded value that is not http/https or not a plain
 * host is ignored.
 */
export function publicOrigin(req: IncomingMessage, trust: TrustFn): string {
  const socket = req.socket as (IncomingMessage['socket'] & Partial<Pick<TLSSocket, 'encrypted'>>) | undefined;
  let proto = socket?.encrypted ? 'https' : 'http';
  let host = req.headers.host ?? '';
  if (socket?.remoteAddress && trust(socket.remoteAddress, 0)) {
    const forwarded = parseForwarded(req.headers.forwarded);
    const fProto = (lastEntry(req.headers['x-forwarded-proto']) ?? forwarded.proto)?.toLowerCase();
    const fHost = lastEntry(req.headers['x-forwarded-host']) ?? forwarded.host;
    if (fProto === 'http' || fProto === 'https') proto = fProto;
    if (fHost && HOST.test(fHost)) host = fHost;
  }
  return `${proto}://${host}`;
}
