// The unjoined-socket counter and the address key it counts under.
import { describe, expect, it } from 'vitest';
import { UnjoinedSockets, addressKey } from './UnjoinedSockets.js';

describe('addressKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, and counts IPv6 by its /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('UnjoinedSockets', () => {
  it('admits up to the per-address cap, then up to the server cap, and frees slots on release', () => {
    const sockets = new UnjoinedSockets({ perAddress: 2, total: 3 });
    expect(['a', 'a', 'a'].map((k) => sockets.admit(k))).toEqual(['ok', 'ok', 'address']);
    expect(sockets.admit('b')).toBe('ok');
    expect(sockets.admit('c')).toBe('server');
    sockets.release('a');
    expect(sockets.size).toBe(2);
    expect(sockets.admit('c')).toBe('ok');
    sockets.release('nobody'); // never admitted: no effect
    expect(sockets.size).toBe(3);
  });

  it('perAddress 0 means no per-address cap', () => {
    const sockets = new UnjoinedSockets({ perAddress: 0, total: 5 });
    expect(Array.from({ length: 6 }, () => sockets.admit('a'))).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'server']);
  });
});
