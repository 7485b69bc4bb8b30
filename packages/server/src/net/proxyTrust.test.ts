import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, parseForwarded, publicOrigin, trustFunction } from './proxyTrust.js';

/** A request as Node hands it over: the socket's peer (and TLS or not) and the headers. */
const request = (peer: string, headers: Record<string, string | string[]>, encrypted = false) =>
  ({ socket: { remoteAddress: peer, encrypted }, connection: { remoteAddress: peer }, headers: { host: 'inner:7880', ...headers } }) as unknown as IncomingMessage;

const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '203.0.113.9', forwarded: 'proto=https;host=evil2.example;for=203.0.113.10' };

describe('trustProxy off (the default): forwarded headers change nothing', () => {
  for (const trust of [undefined, false] as const) {
    it(`with ${String(trust)}, the origin is the socket's scheme and the Host header, the address the peer's`, () => {
      const fn = trustFunction(trust);
      expect(publicOrigin(request('198.51.100.7', forged), fn)).toBe('http://inner:7880');
      expect(publicOrigin(request('198.51.100.7', forged, true), fn)).toBe('https://inner:7880');
      expect(clientAddress(request('198.51.100.7', forged), fn)).toBe('198.51.100.7');
    });
  }
});

describe('trustProxy on', () => {
  it('true: X-Forwarded-Proto/-Host name the origin, the last X-Forwarded-For entry nobody vouches for the client', () => {
    const fn = trustFunction(true);
    expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'rtc.example.com' }), fn)).toBe('https://rtc.example.com');
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }), fn)).toBe('203.0.113.9');
  });

  it('a list: only those peers are believed; a client elsewhere forging the headers changes nothing', () => {
    const fn = trustFunction(['127.0.0.1', '10.0.0.0/8']);
    expect(publicOrigin(request('10.1.2.3', forged), fn)).toBe('https://evil.example');
    expect(publicOrigin(request('198.51.100.7', forged), fn)).toBe('http://inner:7880');
    expect(clientAddress(request('198.51.100.7', forged), fn)).toBe('198.51.100.7');
    // The proxy appends the peer it saw: a forged leading entry is skipped over.
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }), fn)).toBe('203.0.113.9');
    // Trusted hops inside the list are walked past, up to the first untrusted one.
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9, 10.0.0.5' }), fn)).toBe('203.0.113.9');
  });

  it('proxy-addr names (loopback) work as in Fastify', () => {
    const fn = trustFunction(['loopback']);
    expect(publicOrigin(request('::1', { 'x-forwarded-proto': 'https' }), fn)).toBe('https://inner:7880');
    expect(publicOrigin(request('192.0.2.1', { 'x-forwarded-proto': 'https' }), fn)).toBe('http://inner:7880');
  });

  it('a hop count trusts that many nearest hops', () => {
    const fn = trustFunction(1);
    expect(clientAddress(request('127.0.0.1', { 'x-forwarded-for': '1.2.3.4, 203.0.113.9' }), fn)).toBe('203.0.113.9');
    expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'a.example:8443' }), fn)).toBe('https://a.example:8443');
  });

  it('Forwarded (RFC 7239) is read when X-Forwarded-* are absent: the nearest element, quoted values', () => {
    const fn = trustFunction(true);
    expect(publicOrigin(request('127.0.0.1', { forwarded: 'for=1.2.3.4;proto=http;host=old.example, for=203.0.113.9;proto=https;host="rtc.example.com:8443"' }), fn)).toBe('https://rtc.example.com:8443');
    expect(publicOrigin(request('127.0.0.1', { forwarded: 'for=203.0.113.9', 'x-forwarded-proto': 'https' }), fn)).toBe('https://inner:7880');
  });

  it('values that are not a scheme or a plain host are ignored, never pasted into URLs', () => {
    const fn = trustFunction(true);
    for (const host of ['evil.example/path', 'user@evil.example', 'a b', 'evil.example?x', '"quoted"', '']) {
      expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-host': host }), fn)).toBe('http://inner:7880');
    }
    expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-proto': 'javascript' }), fn)).toBe('http://inner:7880');
    expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-host': '[::1]:8443', 'x-forwarded-proto': 'HTTPS' }), fn)).toBe('https://[::1]:8443');
  });

  it('multi-valued headers: the last entry (what the nearest proxy set)', () => {
    const fn = trustFunction(true);
    expect(publicOrigin(request('127.0.0.1', { 'x-forwarded-proto': 'http, https', 'x-forwarded-host': 'forged.example, rtc.example.com' }), fn)).toBe('https://rtc.example.com');
  });
});

describe('parseForwarded', () => {
  it('reads proto and host of the last element, case-insensitive keys', () => {
    expect(parseForwarded('Proto=HTTPS;Host=a.example')).toEqual({ proto: 'https', host: 'a.example' });
    expect(parseForwarded(undefined)).toEqual({});
    expect(parseForwarded('garbage')).toEqual({});
  });
});
