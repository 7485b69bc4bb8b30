// The outbound policy from an attacker's side: which addresses a participant's URL may not reach,
// hostnames resolved (every address), the operator's allow list, and rebinding at connect time
// (a guarded webhook delivery re-resolves and re-checks on each attempt, on the socket's resolver).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrations.js';
import { startWebhookReceiver } from '../../test/helpers/webhookReceiver.js';
import { configureLogging } from '../logger.js';
import { OutboundPolicy, OutboundRefusedError, parseCidr, unmapIPv4 } from './OutboundPolicy.js';
import { guardedPost } from './guardedPost.js';
import { SqliteWebhookOutbox } from './SqliteWebhookOutbox.js';
import { WebhookDispatcher } from './WebhookDispatcher.js';

configureLogging('silent');
const dir = mkdtempSync(join(tmpdir(), 'roomkit-outbound-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REFUSED = [
  '0.0.0.0', '10.1.2.3', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255',
  '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250',
  '240.0.0.1', '255.255.255.255',
  '::', '::1', '::127.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::ffff:10.0.0.1', '64:ff9b::7f00:1',
  '100::1', '2001:db8::1', '2001::1', '2002:7f00:1::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fec0::1', 'ff02::1',
];
const ALLOWED = ['1.1.1.1', '8.8.8.8', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8'];

describe('OutboundPolicy', () => {
  it('refuses private, loopback, link-local, unique-local, CGNAT, multicast, unspecified and reserved addresses, IPv4-mapped included', () => {
    const policy = new OutboundPolicy();
    expect(REFUSED.filter((a) => !policy.isRefused(a))).toEqual([]);
    expect(ALLOWED.filter((a) => policy.isRefused(a))).toEqual([]);
    expect(policy.isRefused('not-an-ip')).toBe(true);
  });

  it('lets the operator allow listed ranges, and only those', () => {
    const policy = new OutboundPolicy(['127.0.0.0/8', 'fd00::/8', '10.9.8.7']);
    expect(['127.0.0.1', '::ffff:127.0.0.1', 'fd00::5', '10.9.8.7'].filter((a) => policy.isRefused(a))).toEqual([]);
    expect(['10.9.8.6', '169.254.169.254', '::1', 'fc00::1'].filter((a) => !policy.isRefused(a))).toEqual([]);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/CIDR/);
    expect(() => parseCidr('example.com/8')).toThrow(/CIDR/);
    expect(unmapIPv4('::ffff:a9fe:a9fe')).toBe('169.254.169.254');
  });

  it('resolves a host name and refuses it when any of its addresses is refused, without naming the address', async () => {
    const policy = new OutboundPolicy([], async (host) => (host === 'mixed.test' ? ['8.8.8.8', '10.0.0.5'] : host === 'public.test' ? ['8.8.8.8'] : []));
    const err = await policy.check('mixed.test').catch((e) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect(err.message).not.toContain('10.0.0.5');
    expect(await policy.check('public.test')).toBe('8.8.8.8');
    await expect(policy.check('nothing.test')).rejects.toThrow(/could not be resolved/);
    await expect(new OutboundPolicy().check('localhost')).rejects.toBeInstanceOf(OutboundRefusedError);
  });

  it('re-checks at connect time: a host that rebinds to loopback after the start check gets no POST', async () => {
    const rx = await startWebhookReceiver('s');
    try {
      let answers = 0;
      // First answer public (what the start-time check saw), then the receiver's loopback address.
      const policy = new OutboundPolicy([], async () => (answers++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']));
      expect(await policy.check('rebind.test')).toBe('93.184.216.34');
      const url = rx.url.replace('127.0.0.1', 'rebind.test');
      const err = await guardedPost(policy, url, { headers: {}, body: '{}', signal: AbortSignal.timeout(5000) }).catch((e) => e);
      expect(err).toBeInstanceOf(OutboundRefusedError);
      await expect(guardedPost(policy, rx.url, { headers: {}, body: '{}', signal: AbortSignal.timeout(5000) })).rejects.toBeInstanceOf(OutboundRefusedError);
      expect(rx.requests).toEqual([]);
      // Allowed by the operator: the same POST goes through.
      const allowed = new OutboundPolicy(['127.0.0.0/8'], async () => ['127.0.0.1']);
      expect(await guardedPost(allowed, url, { headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000) })).toBe(200);
      expect(rx.requests).toHaveLength(1);
    } finally {
      await rx.close();
    }
  });

  it('the dispatcher never POSTs a guarded delivery to a refused address, and still delivers the operator\'s', async () => {
    const rx = await startWebhookReceiver('s');
    const db = new Database(join(dir, 'outbox.db'));
    migrate(db);
    const outbox = new SqliteWebhookOutbox(db);
    const dispatcher = new WebhookDispatcher({ outbox, secret: 's', backoffBaseMs: 10, backoffCapMs: 20, pollIntervalMs: 10 });
    try {
      dispatcher.start();
      const guarded = dispatcher.enqueue('room', `${rx.url}/participant`, '{"n":1}', true);
      const operator = dispatcher.enqueue('room', `${rx.url}/operator`, '{"n":2}');
      await rx.waitForAccepted(1);
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.requests.map((r) => r.path)).toEqual(['/hooks/operator']);
      const row = await outbox.get(guarded);
      expect(row).toMatchObject({ status: 'pending', guarded: true });
      expect(row!.attempts).toBeGreaterThan(1);
      expect(row!.lastError).toMatch(/private, loopback/);
      expect(await outbox.get(operator)).toMatchObject({ status: 'delivered', guarded: false });
    } finally {
      await dispatcher.stop();
      db.close();
      await rx.close();
    }
  });
});
