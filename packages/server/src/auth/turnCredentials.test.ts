// TURN REST credentials: the username and password coturn's use-auth-secret recomputes, checked
// against an independent HMAC-SHA1 (node's crypto.subtle, not the code under test's createHmac).
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasUdpTurn, iceServersFor, turnCredential, type TurnConfig } from './turnCredentials.js';

const SECRET = 'turn-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 11, 8, 1, 0, 0); // 1796691600 s

async function hmacSha1Base64(secret: string, message: string): Promise<string> {
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(message));
  return Buffer.from(mac).toString('base64');
}

describe('turnCredential', () => {
  it('names the expiry (unix seconds) and the participant, and signs the username with the secret', async () => {
    const { username, credential } = turnCredential(SECRET, 'p-42', 600, NOW);
    expect(username).toBe(`${NOW / 1000 + 600}:p-42`);
    expect(credential).toBe(await hmacSha1Base64(SECRET, username));
    // The same value openssl gives: printf '1796692200:p-42' | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
    expect(credential).toBe('moE62sMCPMsUf2dht55kzXHJP5Q=');
  });

  it('rounds the expiry down to whole seconds and differs per participant, secret and time', () => {
    expect(turnCredential(SECRET, 'a', 60, NOW + 999).username).toBe(`${NOW / 1000 + 60}:a`);
    const base = turnCredential(SECRET, 'a', 60, NOW).credential;
    expect(turnCredential(SECRET, 'b', 60, NOW).credential).not.toBe(base);
    expect(turnCredential(`${SECRET}x`, 'a', 60, NOW).credential).not.toBe(base);
    expect(turnCredential(SECRET, 'a', 61, NOW).credential).not.toBe(base);
  });
});

describe('iceServersFor', () => {
  const config = (urls: string[]): TurnConfig => ({ urls, secret: SECRET, ttlSeconds: 3600 });

  it('with no TURN config or no URLs, gives no ICE servers', () => {
    expect(iceServersFor(undefined, 'p', NOW)).toEqual([]);
    expect(iceServersFor(config([]), 'p', NOW)).toEqual([]);
  });

  it('gives STUN URLs without credentials and TURN/TURNS URLs with one minted for the participant', async () => {
    const urls = ['stun:stun.example.com:3478', 'turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'];
    const servers = iceServersFor(config(urls), 'p-7', NOW);
    expect(servers).toEqual([
      { urls: ['stun:stun.example.com:3478'] },
      { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'], username: `${NOW / 1000 + 3600}:p-7`, credential: await hmacSha1Base64(SECRET, `${NOW / 1000 + 3600}:p-7`) },
    ]);
  });

  it('with only STUN URLs, gives them without any credential', () => {
    expect(iceServersFor(config(['stun:a.example.com']), 'p', NOW)).toEqual([{ urls: ['stun:a.example.com'] }]);
  });
});

describe('hasUdpTurn', () => {
  it('is true for a turn: URL over UDP (explicit or default), false for only TCP/TLS TURN or STUN', () => {
    expect(hasUdpTurn(['turn:t.example.com:3478?transport=udp'])).toBe(true);
    expect(hasUdpTurn(['turns:t.example.com:5349?transport=tcp', 'turn:t.example.com'])).toBe(true);
    expect(hasUdpTurn(['turn:t.example.com:3478?transport=tcp', 'turns:t.example.com:5349'])).toBe(false);
    expect(hasUdpTurn(['stun:s.example.com'])).toBe(false);
  });
});
