// Which addresses the server may reach on a participant's behalf. Webhook URLs and RTMP
// destinations that come from a participant (signaling, or REST with a token that is not an
// operator's) are refused when any address their host resolves to is private, loopback,
// link-local, unique-local, CGNAT, multicast, unspecified or reserved (IPv4, IPv6, IPv4-mapped
// IPv6), unless the operator listed its range in `outboundAllowCidrs`. Callers connect to the
// address that was checked (RTMP: the URL is rewritten to it; webhooks: `lookup` below is the
// socket's resolver), so a DNS answer that changes between the check and the connect
// (rebinding) is checked again or never used.
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Who asked for an outbound request: the operator (operator REST token, config) or anyone else. */
export type OutboundOrigin = 'operator' | 'participant';

/** An address the policy refuses; the message never names the resolved address or a socket error. */
export class OutboundRefusedError extends Error {
  readonly code = 'OUTBOUND_REFUSED';
  constructor(
    message: string,
    /** The host did not resolve (nothing was refused as such). */
    readonly unresolved = false,
  ) {
    super(message);
  }
}

const BLOCKED_V4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata at 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];

const BLOCKED_V6: ReadonlyArray<[string, number]> = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['64:ff9b::', 96], // NAT64: would reach an IPv4 address through a translator
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function blockList(cidrs: ReadonlyArray<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of cidrs) list.addSubnet(net, prefix, isIP(net) === 6 ? 'ipv6' : 'ipv4');
  return list;
}

const blocked = { v4: blockList(BLOCKED_V4), v6: blockList(BLOCKED_V6) };

/** `a.b.c.d/n`, `x::y/n` or a bare address; throws with a message naming the entry. */
export function parseCidr(entry: string): [string, number] {
  const [net, len, extra] = entry.trim().split('/');
  const family = isIP(net ?? '');
  const max = family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max || (len !== undefined && !/^[0-9]+$/.test(len))) {
    throw new Error(`"${entry}" is not a CIDR range like 10.0.0.0/8, fd00::/8 or 127.0.0.1`);
  }
  return [net!, prefix];
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:7f00:1` → `127.0.0.1`), else the address. */
export function unmapIPv4(address: string): string {
  if (isIP(address) !== 6) return address;
  const norm = new URL(`http://[${address}]/`).hostname.slice(1, -1).toLowerCase();
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(norm);
  if (!m) return address;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

export class OutboundPolicy {
  private readonly allow = { v4: new BlockList(), v6: new BlockList() };

  constructor(
    allowCidrs: readonly string[] = [],
    private readonly resolve: Resolver = systemResolver,
  ) {
    for (const entry of allowCidrs) {
      const [net, prefix] = parseCidr(entry);
      if (isIP(net) === 4) this.allow.v4.addSubnet(net, prefix, 'ipv4');
      else this.allow.v6.addSubnet(net, prefix, 'ipv6');
    }
  }

  /** True when a participant may not make the server connect to this IP address. */
  isRefused(address: string): boolean {
    const ip = unmapIPv4(address);
    const family = isIP(ip);
    if (family === 4) return blocked.v4.check(ip, 'ipv4') && !this.allow.v4.check(ip, 'ipv4');
    if (family === 6) return blocked.v6.check(ip, 'ipv6') && !this.allow.v6.check(ip, 'ipv6');
    return true;
  }

  /**
   * Resolves `host` (every address, as the system resolver answers: the same answer ffmpeg and
   * Node would connect to) and returns the first one, after checking that none is refused.
   * Throws OutboundRefusedError; the message says what kind of problem, never the address.
   */
  async check(host: string): Promise<string> {
    return (await this.checkAll(host))[0]!;
  }

  /** Every address `host` resolves to, once none of them is refused. */
  async checkAll(host: string): Promise<string[]> {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    let addresses: string[];
    if (isIP(bare) !== 0) addresses = [bare];
    else {
      try {
        addresses = await this.resolve(bare);
      } catch {
        throw new OutboundRefusedError(`the host "${bare}" could not be resolved`, true);
      }
    }
    if (addresses.length === 0) throw new OutboundRefusedError(`the host "${bare}" could not be resolved`, true);
    if (addresses.some((a) => this.isRefused(a))) {
      throw new OutboundRefusedError(
        `the host "${bare}" is or resolves to a private, loopback, link-local or reserved address, which participants may not send to (an operator can allow ranges with outboundAllowCidrs)`,
      );
    }
    return addresses;
  }

  /**
   * A socket `lookup` (http.request, net.connect) that resolves and checks at connect time and
   * hands the socket only the addresses it checked: a rebinding answer cannot slip in between.
   * Node skips `lookup` for IP-literal hosts: check those with `check()` first.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.checkAll(hostname).then(
      (all) => {
        if (options.all) callback(null, all.map((address) => ({ address, family: isIP(address) })));
        else callback(null, all[0]!, isIP(all[0]!));
      },
      (err: Error) => callback(err as NodeJS.ErrnoException, '', 0),
    );
  };
}
