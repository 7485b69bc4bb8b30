import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenError, decodeJwtUnverified, signJwt, verifyJwt } from './jwt.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function reasonOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TokenError);
    return (err as TokenError).reason;
  }
  throw new Error('expected a TokenError');
}

describe('signJwt / verifyJwt', () => {
  it('round-trips a payload with the same secret', () => {
    const token = signJwt({ a: 1, b: 'x' }, 's3cret');
    expect(verifyJwt(token, 's3cret')).toEqual({ a: 1, b: 'x' });
    expect(decodeJwtUnverified(token).header).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('produces a standard HS256 signature', () => {
    const token = signJwt({ a: 1 }, 'k');
    const [h, p, s] = token.split('.');
    expect(s).toBe(createHmac('sha256', 'k').update(`${h}.${p}`).digest('base64url'));
  });

  it('with another secret, rejects as bad_signature', () => {
    expect(reasonOf(() => verifyJwt(signJwt({ a: 1 }, 'one'), 'two'))).toBe('bad_signature');
  });

  it('with a tampered payload, rejects as bad_signature', () => {
    const [h, , s] = signJwt({ admin: false }, 'k').split('.');
    expect(reasonOf(() => verifyJwt(`${h}.${b64({ admin: true })}.${s}`, 'k'))).toBe('bad_signature');
  });

  it('with alg none or another alg, rejects as unsupported_alg', () => {
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ a: 1 })}.`;
    expect(reasonOf(() => verifyJwt(none, 'k'))).toBe('unsupported_alg');
    const [, p, s] = signJwt({ a: 1 }, 'k').split('.');
    expect(reasonOf(() => verifyJwt(`${b64({ alg: 'HS512' })}.${p}.${s}`, 'k'))).toBe('unsupported_alg');
    expect(reasonOf(() => verifyJwt(`${b64({ typ: 'JWT' })}.${p}.${s}`, 'k'))).toBe('unsupported_alg');
  });

  it('with a malformed token, rejects as malformed', () => {
    const good = signJwt({ a: 1 }, 'k');
    const [h, p, s] = good.split('.');
    for (const bad of ['', 'abc', 'a.b', `${good}.x`, `${h}.${p}`, `!!.${p}.${s}`, `${h}.${b64('str')}.${s}`,
      `${h}.${Buffer.from('{nope').toString('base64url')}.${s}`, `${b64([1])}.${p}.${s}`, `${h}..${s}`]) {
      expect(reasonOf(() => verifyJwt(bad, 'k')), bad).toBe('malformed');
    }
  });

  it('with an empty signature, rejects as bad_signature', () => {
    const [h, p] = signJwt({ a: 1 }, 'k').split('.');
    expect(reasonOf(() => verifyJwt(`${h}.${p}.`, 'k'))).toBe('bad_signature');
  });
});
