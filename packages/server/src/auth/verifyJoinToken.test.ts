import { ErrorCode, RoomkitError, type ErrorCodeName } from '@roomkit/protocol';
import { describe, expect, it } from 'vitest';
import { generateToken, type GenerateTokenOptions, type Role } from './AccessToken.js';
import { EGRESS_PROOF_CLAIM, generateEgressToken } from './egressToken.js';
import { decodeJwtUnverified, signJwt } from './jwt.js';
import { verifyJoinToken, verifyRestToken, type JoinTokenContext } from './verifyJoinToken.js';

const apiKey = 'key1';
const apiSecret = 'secret1';
const ctx: JoinTokenContext = { apiKey, apiSecret, devMode: false, meetingId: 'room-a' };
const now = () => Math.floor(Date.now() / 1000);

const token = (over: Partial<GenerateTokenOptions> = {}) =>
  generateToken({ apiKey, apiSecret, permissions: ['allow_join'], ...over });
const raw = (claims: Record<string, unknown>, secret = apiSecret) =>
  signJwt({ apikey: apiKey, permissions: ['allow_join'], exp: now() + 600, ...claims }, secret);

function failure(fn: () => unknown): RoomkitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RoomkitError);
    return err as RoomkitError;
  }
  throw new Error('expected a RoomkitError');
}

function expectCode(fn: () => unknown, name: ErrorCodeName, message?: RegExp): void {
  const err = failure(fn);
  expect(err.codeName, err.message).toBe(name);
  expect(err.code).toBe(ErrorCode[name]);
  if (message) expect(err.message).toMatch(message);
}

describe('generateToken', () => {
  it('sets version 2, iat and a 24 h exp by default', () => {
    const claims = verifyJoinToken(token({ roomId: 'room-a' }), ctx);
    expect(claims).toMatchObject({ apikey: apiKey, permissions: ['allow_join'], version: 2, roomId: 'room-a' });
    expect(claims.exp! - claims.iat!).toBe(86400);
    expect(Math.abs(claims.iat! - now())).toBeLessThanOrEqual(1);
    expect('participantId' in claims).toBe(false);
  });

  it('honours expiresInSeconds and rejects nonsense', () => {
    const claims = verifyJoinToken(token({ expiresInSeconds: 60 }), ctx);
    expect(claims.exp! - claims.iat!).toBe(60);
    expect(() => token({ expiresInSeconds: 0 })).toThrow(RangeError);
    expect(() => token({ permissions: ['nope' as 'allow_join'] })).toThrow();
  });
});

describe('verifyJoinToken', () => {
  it('with a valid token, returns its claims, keeping unknown claims', () => {
    const claims = verifyJoinToken(raw({ participantId: 'p1', roles: ['rtc', 'crawler'], extra: 'x' }), {
      ...ctx,
      participantId: 'p1',
    });
    expect(claims).toMatchObject({ participantId: 'p1', extra: 'x' });
    expect(verifyJoinToken(raw({ participantId: 'p1' }), ctx).participantId).toBe('p1');
    expect(verifyJoinToken(raw({ permissions: ['allow_mod'] }), ctx).permissions).toEqual(['allow_mod']);
  });

  it('with no token, throws INVALID_TOKEN', () => {
    expectCode(() => verifyJoinToken(undefined, ctx), 'INVALID_TOKEN', /no token/);
    expectCode(() => verifyJoinToken('', ctx), 'INVALID_TOKEN', /no token/);
    expectCode(() => verifyJoinToken('  ', ctx), 'INVALID_TOKEN', /no token/);
  });

  it('with a malformed token, throws INVALID_TOKEN', () => {
    expectCode(() => verifyJoinToken('not-a-jwt', ctx), 'INVALID_TOKEN', /three dot-separated parts/);
    expectCode(() => verifyJoinToken('abcd.efgh.ijkl', ctx), 'INVALID_TOKEN', /not JSON/);
  });

  it('signed with another secret, throws INVALID_TOKEN', () => {
    expectCode(() => verifyJoinToken(raw({}, 'other-secret'), ctx), 'INVALID_TOKEN', /signature/);
  });

  it('with alg none, throws INVALID_TOKEN', () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none' })}.${b64({ apikey: apiKey, permissions: ['allow_join'], exp: now() + 60 })}.`;
    expectCode(() => verifyJoinToken(none, ctx), 'INVALID_TOKEN', /"none" is not supported/);
  });

  it('for another API key, throws INVALID_API_KEY', () => {
    expectCode(() => verifyJoinToken(raw({ apikey: 'other' }), ctx), 'INVALID_API_KEY', /"other"/);
    expectCode(() => verifyJoinToken(raw({ apikey: 'other' }, 'other-secret'), ctx), 'INVALID_API_KEY');
  });

  it('expired beyond the 30 s skew, throws INVALID_TOKEN with the expiry time', () => {
    const exp = now() - 31;
    const iso = new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expectCode(() => verifyJoinToken(raw({ exp }), ctx), 'INVALID_TOKEN', new RegExp(`^token expired at ${iso}$`));
    expect(verifyJoinToken(raw({ exp: now() - 20 }), ctx).exp).toBeDefined();
  });

  it('not yet valid beyond the skew, throws INVALID_TOKEN', () => {
    expectCode(() => verifyJoinToken(raw({ nbf: now() + 120 }), ctx), 'INVALID_TOKEN', /not valid before \d{4}-/);
    expect(verifyJoinToken(raw({ nbf: now() + 20 }), ctx)).toBeDefined();
  });

  it('without exp, throws INVALID_TOKEN unless in dev mode', () => {
    expectCode(() => verifyJoinToken(raw({ exp: undefined }), ctx), 'INVALID_TOKEN', /no "exp" claim/);
    expect(verifyJoinToken(raw({ exp: undefined }), { ...ctx, devMode: true }).exp).toBeUndefined();
  });

  it('with claims failing the schema, throws INVALID_TOKEN naming the claim', () => {
    expectCode(() => verifyJoinToken(raw({ permissions: 'allow_join' }), ctx), 'INVALID_TOKEN', /claim "permissions"/);
    expectCode(() => verifyJoinToken(raw({ permissions: undefined }), ctx), 'INVALID_TOKEN', /claim "permissions"/);
    expectCode(() => verifyJoinToken(raw({ apikey: undefined }), ctx), 'INVALID_TOKEN', /claim "apikey"/);
    expectCode(() => verifyJoinToken(raw({ version: 1 }), ctx), 'INVALID_TOKEN', /claim "version"/);
    expectCode(() => verifyJoinToken(raw({ roles: ['admin'] }), ctx), 'INVALID_TOKEN', /claim "roles.0"/);
    expectCode(() => verifyJoinToken(raw({ exp: 'tomorrow' }), ctx), 'INVALID_TOKEN', /claim "exp"/);
  });

  it('for another room, throws UNAUTHORIZED_MEETING_ID', () => {
    expectCode(() => verifyJoinToken(token({ roomId: 'room-b' }), ctx), 'UNAUTHORIZED_MEETING_ID', /"room-b", not meeting "room-a"/);
  });

  it('pinned to another participant, throws UNAUTHORIZED_PARTCIPANT_ID', () => {
    expectCode(
      () => verifyJoinToken(token({ participantId: 'p1' }), { ...ctx, participantId: 'p2' }),
      'UNAUTHORIZED_PARTCIPANT_ID',
      /"p1", not "p2"/,
    );
  });

  it('with roles lacking rtc, throws UNAUTHORIZED_ROLE', () => {
    expectCode(() => verifyJoinToken(token({ roles: ['crawler'] }), ctx), 'UNAUTHORIZED_ROLE', /"rtc"/);
    expectCode(() => verifyJoinToken(raw({ roles: [] }), ctx), 'UNAUTHORIZED_ROLE');
  });

  it('without any join permission, throws INVALID_PERMISSIONS; ask_join alone is accepted (the lobby)', () => {
    expectCode(() => verifyJoinToken(token({ permissions: [] }), ctx), 'INVALID_PERMISSIONS', /none of/);
    expect(verifyJoinToken(token({ permissions: ['ask_join'] }), ctx).permissions).toEqual(['ask_join']);
  });
});

describe('the egress role', () => {
  const egress = (roomId = 'room-a', participantId = 'egress-1') =>
    generateEgressToken({ apiKey, apiSecret, roomId, participantId, expiresInSeconds: 600 });

  it("in the server's own compositor token verifies and stays in the claims", () => {
    const claims = verifyJoinToken(egress(), { ...ctx, participantId: 'egress-1' });
    expect(claims).toMatchObject({ roles: ['egress'], roomId: 'room-a', participantId: 'egress-1', permissions: ['allow_join'] });
  });

  it('in a token signed with the API secret but without the proof, throws UNAUTHORIZED_ROLE', () => {
    expectCode(() => verifyJoinToken(raw({ roles: ['egress'] }), ctx), 'UNAUTHORIZED_ROLE', /"egress" is reserved/);
    expectCode(() => verifyJoinToken(raw({ roles: ['rtc', 'egress'] }), ctx), 'UNAUTHORIZED_ROLE', /"egress" is reserved/);
    expectCode(() => verifyJoinToken(raw({ roles: ['egress'], [EGRESS_PROOF_CLAIM]: 'x'.repeat(43) }), ctx), 'UNAUTHORIZED_ROLE');
    expectCode(() => verifyRestToken(raw({ roles: ['crawler', 'egress'] }), { apiKey, apiSecret, devMode: false }), 'UNAUTHORIZED_ROLE');
  });

  it("with a real proof copied into other claims (another participant, room or expiry), throws UNAUTHORIZED_ROLE", () => {
    const genuine = decodeJwtUnverified(egress()).payload;
    for (const change of [{ participantId: 'someone' }, { roomId: 'room-b' }, { exp: (genuine.exp as number) + 3600 }, { permissions: ['allow_join', 'allow_mod'] }]) {
      const meetingId = (change as { roomId?: string }).roomId ?? 'room-a';
      expectCode(() => verifyJoinToken(signJwt({ ...genuine, ...change }, apiSecret), { ...ctx, meetingId }), 'UNAUTHORIZED_ROLE');
    }
  });

  it('cannot be put in a token by generateToken (the helper app tools and the CLI use)', () => {
    expect(() => token({ roles: ['egress' as Role] })).toThrow(/roles must be among rtc, crawler/);
  });
});

describe('verifyRestToken', () => {
  const rest = { apiKey, apiSecret, devMode: false };

  it('accepts the raw token or a Bearer token, ignoring room and permission checks', () => {
    const t = raw({ permissions: [], roles: ['crawler'], roomId: 'any' });
    expect(verifyRestToken(t, rest).roles).toEqual(['crawler']);
    expect(verifyRestToken(`Bearer ${t}`, rest).roomId).toBe('any');
    expect(verifyRestToken(`bearer  ${t}`, rest).apikey).toBe(apiKey);
  });

  it('applies the same key, signature and expiry checks', () => {
    expectCode(() => verifyRestToken(undefined, rest), 'INVALID_TOKEN', /Authorization/);
    expectCode(() => verifyRestToken('Bearer ', rest), 'INVALID_TOKEN');
    expectCode(() => verifyRestToken(raw({}, 'other'), rest), 'INVALID_TOKEN', /signature/);
    expectCode(() => verifyRestToken(raw({ apikey: 'k9' }), rest), 'INVALID_API_KEY');
    expectCode(() => verifyRestToken(raw({ exp: now() - 100 }), rest), 'INVALID_TOKEN', /expired/);
    expectCode(() => verifyRestToken(raw({ exp: undefined }), rest), 'INVALID_TOKEN', /no "exp"/);
  });

  it('given something other than a string (a repeated ?token=), throws INVALID_TOKEN, not a TypeError', () => {
    expectCode(() => verifyRestToken([raw({}), raw({})] as unknown as string, rest), 'INVALID_TOKEN', /single string/);
  });
});

// Issue #14: a pinned id nobody can name in a moderation call (or a room id nobody can join) is refused.
describe('verifyJoinToken id claims', () => {
  it.each([
    ['participantId', 'with space', 'INVALID_PARTICIPANT_ID'],
    ['participantId', 'ünïcode', 'INVALID_PARTICIPANT_ID'],
    ['participantId', 'p'.repeat(65), 'INVALID_PARTICIPANT_ID'],
    ['roomId', 'room/a', 'INVALID_MEETING_ID'],
  ] as const)('a %s claim %j outside the id alphabet is refused with %s', (claim, value, code) => {
    expectCode(() => verifyJoinToken(raw({ [claim]: value }), ctx), code, new RegExp(`token claim "${claim}"`));
  });

  it('claims inside the alphabet (letters, digits, - and _, up to 64) pass', () => {
    const id = `A-z_0${'9'.repeat(59)}`;
    expect(verifyJoinToken(raw({ participantId: id, roomId: 'room-a' }), { ...ctx, participantId: id }).participantId).toBe(id);
  });
});
