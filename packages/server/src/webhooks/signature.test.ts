import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './signature.js';

const secret = 'devsecret-change-me';
const body = JSON.stringify({ webhookType: 'participant-joined', data: { meetingId: 'm1', sessionId: 's1', participantId: 'p1', participantName: 'Ada' } });
const now = 1_750_000_000;

describe('signWebhook / verifyWebhookSignature', () => {
  it('signWebhook makes t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const header = signWebhook(body, secret, now);
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(header).toBe(`t=${now},v1=${expected}`);
  });

  it('verify accepts what sign produced (round trip), including at the edge of the tolerance', () => {
    const header = signWebhook(body, secret, now);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 300 })).toBe(true);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now - 300 })).toBe(true);
    expect(verifyWebhookSignature(body, signWebhook(body, secret), secret)).toBe(true);
  });

  it('verify rejects a tampered body, another secret, or a tampered timestamp', () => {
    const header = signWebhook(body, secret, now);
    expect(verifyWebhookSignature(body.replace('Ada', 'Eve'), header, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(`${body} `, header, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, header, 'other-secret', { nowSeconds: now })).toBe(false);
    const shifted = header.replace(`t=${now}`, `t=${now + 1}`);
    expect(verifyWebhookSignature(body, shifted, secret, { nowSeconds: now })).toBe(false);
  });

  it('verify rejects a timestamp more than 300 s away (replay), or outside a custom tolerance', () => {
    const header = signWebhook(body, secret, now);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 301 })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now - 301 })).toBe(false);
    expect(verifyWebhookSignature(body, header, secret, { nowSeconds: now + 60, toleranceSeconds: 30 })).toBe(false);
  });

  it('verify rejects malformed headers without throwing, and accepts any of several v1 values', () => {
    const header = signWebhook(body, secret, now);
    const v1 = header.split('v1=')[1];
    for (const bad of ['', 'garbage', `t=${now}`, `v1=${v1}`, `t=abc,v1=${v1}`, `t=${now},v1=zz`, `t=${now},v1=${v1.slice(2)}`]) {
      expect(verifyWebhookSignature(body, bad, secret, { nowSeconds: now })).toBe(false);
    }
    expect(verifyWebhookSignature(body, undefined as unknown as string, secret)).toBe(false);
    expect(verifyWebhookSignature(body, `t=${now},v1=${'0'.repeat(64)},v1=${v1}`, secret, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature(body, ` t=${now} , v0=x, v1=${v1.toUpperCase()}`, secret, { nowSeconds: now })).toBe(true);
  });
});
