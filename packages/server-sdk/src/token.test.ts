import { describe, expect, it } from 'vitest';
// The server's own verifier, imported here only, so SDK tokens are checked by the code that will read them.
import { verifyAccessToken, verifyJoinToken } from '../../server/src/auth/verifyJoinToken.js';
import { verifyJwt } from '../../server/src/auth/jwt.js';
import { generateToken, parseExpiresIn } from './token.js';

const ctx = { apiKey: 'key1', apiSecret: 'secret1', devMode: false };

describe('generateToken', () => {
  it('with all options, mints a token the server verifies for that room and participant', () => {
    const token = generateToken({
      apiKey: 'key1', secretKey: 'secret1', permissions: ['allow_join', 'allow_mod'],
      roomId: 'r1', participantId: 'p1', roles: ['rtc'], expiresIn: '2h',
    });
    const claims = verifyJoinToken(token, { ...ctx, meetingId: 'r1', participantId: 'p1' });
    expect(claims).toMatchObject({
      apikey: 'key1', permissions: ['allow_join', 'allow_mod'], version: 2, roomId: 'r1', participantId: 'p1', roles: ['rtc'],
    });
    expect(claims.exp! - claims.iat!).toBe(7200);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('with only the required options, lasts 24 h and carries no optional claims', () => {
    const token = generateToken({ apiKey: 'key1', secretKey: 'secret1', permissions: ['allow_join'] });
    const payload = verifyJwt(token, 'secret1');
    expect(Object.keys(payload).sort()).toEqual(['apikey', 'exp', 'iat', 'permissions', 'version']);
    expect((payload.exp as number) - (payload.iat as number)).toBe(86400);
  });

  it('with another secret, fails the server check', () => {
    const token = generateToken({ apiKey: 'key1', secretKey: 'other', permissions: ['allow_join'] });
    expect(() => verifyAccessToken(token, ctx)).toThrow(/signature/);
  });

  it('with a crawler role, is refused for joining by the server', () => {
    const token = generateToken({ apiKey: 'key1', secretKey: 'secret1', permissions: ['allow_join'], roles: ['crawler'] });
    expect(() => verifyJoinToken(token, { ...ctx, meetingId: 'r' })).toThrow(/rtc/);
  });

  it('with bad options, throws naming the option', () => {
    expect(() => generateToken({ apiKey: '', secretKey: 's', permissions: ['allow_join'] })).toThrow(/apiKey/);
    expect(() => generateToken({ apiKey: 'k', secretKey: 's', permissions: ['allow_all' as 'allow_join'] })).toThrow(/"allow_all"/);
    expect(() => generateToken({ apiKey: 'k', secretKey: 's', permissions: [], roles: ['admin' as 'rtc'] })).toThrow(/roles/);
    expect(() => generateToken({ apiKey: 'k', secretKey: 's', permissions: [], expiresIn: '120' })).toThrow(/expiresIn/);
  });
});

describe('parseExpiresIn', () => {
  it('reads seconds and unit strings; rejects unitless strings, zero and negatives', () => {
    expect(parseExpiresIn(90)).toBe(90);
    expect(parseExpiresIn('45s')).toBe(45);
    expect(parseExpiresIn('30m')).toBe(1800);
    expect(parseExpiresIn('2h')).toBe(7200);
    expect(parseExpiresIn('1d')).toBe(86400);
    expect(parseExpiresIn('1 week')).toBe(604800);
    expect(parseExpiresIn('1.5h')).toBe(5400);
    for (const bad of ['120', '2x', '', 0, -5, Number.NaN, '0h']) expect(() => parseExpiresIn(bad)).toThrow(RangeError);
  });
});
