import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// The server's signer, imported here only: what the server sends must verify here, and back.
import { signWebhook as serverSign, verifyWebhookSignature } from '../../server/src/webhooks/signature.js';
import { WebhookVerificationError, signWebhook, verifyWebhook } from './webhook.js';

const secret = 'whsec-test';
const body = JSON.stringify({ webhookType: 'participant-joined', data: { meetingId: 'r1', sessionId: 's1', participantId: 'p1' } });
const now = () => Math.floor(Date.now() / 1000);

/** Signs as the server's contract says, independently of signWebhook. */
function serverSignature(raw: string, t = now(), key = secret): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${raw}`).digest('hex')}`;
}

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.reason;
    throw err;
  }
  return undefined;
}

describe('verifyWebhook', () => {
  it('with a valid signature, returns the parsed event; header name in any case, Headers or record', () => {
    const sig = serverSignature(body);
    for (const headers of [{ 'roomkit-signature': sig }, { 'Roomkit-Signature': sig }, new Headers({ 'ROOMKIT-SIGNATURE': sig })]) {
      expect(verifyWebhook(body, headers, secret)).toEqual(JSON.parse(body));
    }
    expect(verifyWebhook(Buffer.from(body), { 'roomkit-signature': [sig] }, secret).data.participantId).toBe('p1');
    expect(signWebhook(body, secret, 1700000000)).toBe(serverSignature(body, 1700000000));
  });

  it('agrees with the server\'s signer in both directions', () => {
    expect(verifyWebhook(body, { 'Roomkit-Signature': serverSign(body, secret) }, secret)).toEqual(JSON.parse(body));
    expect(verifyWebhookSignature(body, signWebhook(body, secret), secret)).toBe(true);
    const unicode = JSON.stringify({ webhookType: 'participant-joined', data: { meetingId: 'r', sessionId: 's', name: 'Zoë 🎥' } });
    expect(verifyWebhook(unicode, { 'roomkit-signature': serverSign(unicode, secret) }, secret).data.name).toBe('Zoë 🎥');
  });

  it('with one of several v1 signatures valid (secret rotation), accepts', () => {
    const t = now();
    const good = serverSignature(body, t).split(',')[1];
    expect(verifyWebhook(body, { 'roomkit-signature': `t=${t},v1=${'ab'.repeat(32)},${good}` }, secret).webhookType).toBe('participant-joined');
  });

  it('with a tampered body or another secret, throws bad_signature', () => {
    const sig = serverSignature(body);
    expect(reasonOf(() => verifyWebhook(body.replace('p1', 'p2'), { 'roomkit-signature': sig }, secret))).toBe('bad_signature');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': serverSignature(body, now(), 'other') }, secret))).toBe('bad_signature');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': `t=${now()},v1=zz` }, secret))).toBe('bad_signature');
  });

  it('with a timestamp beyond the tolerance, throws timestamp_out_of_range; tolerance is adjustable', () => {
    const old = serverSignature(body, now() - 301);
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': old }, secret))).toBe('timestamp_out_of_range');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': serverSignature(body, now() + 400) }, secret))).toBe('timestamp_out_of_range');
    expect(verifyWebhook(body, { 'roomkit-signature': old }, secret, { toleranceSeconds: 600 }).data.meetingId).toBe('r1');
    // The timestamp is signed: moving it forward breaks the signature.
    const moved = old.replace(/^t=\d+/, `t=${now()}`);
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': moved }, secret))).toBe('bad_signature');
  });

  it('with no or a malformed header, says so', () => {
    expect(reasonOf(() => verifyWebhook(body, {}, secret))).toBe('missing_header');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': undefined }, secret))).toBe('missing_header');
    expect(reasonOf(() => verifyWebhook(body, new Headers(), secret))).toBe('missing_header');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': 'sha256=abc' }, secret))).toBe('malformed_header');
    expect(reasonOf(() => verifyWebhook(body, { 'roomkit-signature': `t=${now()}` }, secret))).toBe('malformed_header');
  });

  it('with a signed body that is not a webhook event, throws malformed_body', () => {
    for (const raw of ['not json', '[]', '{"data":{}}']) {
      expect(reasonOf(() => verifyWebhook(raw, { 'roomkit-signature': serverSignature(raw) }, secret))).toBe('malformed_body');
    }
  });
});
