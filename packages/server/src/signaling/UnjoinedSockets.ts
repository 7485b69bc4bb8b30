// Counts signaling sockets that have not joined (or resumed) yet, per client address and in all:
// a stranger needs no token to open one, so these are the ones to cap.
import { isIPv6 } from 'node:net';

export type Admission = 'ok' | 'address' | 'server';

/**
 * The key a client address is counted under: IPv4 as is, IPv6 by its /64 (one host usually owns a
 * whole /64, so counting single addresses would cap nothing), IPv4-mapped IPv6 as IPv4.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

export class UnjoinedSockets {
  private total = 0;
  private readonly byAddress = new Map<string, number>();

  /** `perAddress` 0: no per-address limit. */
  constructor(private readonly limits: { perAddress: number; total: number }) {}

  get size(): number {
    return this.total;
  }

  /** Takes a slot for a new socket from `key`, or says which cap refused it. */
  admit(key: string): Admission {
    if (this.total >= this.limits.total) return 'server';
    const mine = this.byAddress.get(key) ?? 0;
    if (this.limits.perAddress > 0 && mine >= this.limits.perAddress) return 'address';
    this.total++;
    this.byAddress.set(key, mine + 1);
    return 'ok';
  }

  /** The socket joined or closed: its slot is free. Call once per admitted socket. */
  release(key: string): void {
    const mine = this.byAddress.get(key) ?? 0;
    if (mine <= 0) return;
    this.total--;
    if (mine === 1) this.byAddress.delete(key);
    else this.byAddress.set(key, mine - 1);
  }
}
