import { describe, expect, it } from 'vitest';
import { looksLikeJwt, validatePreCallOptions } from './preCallOptions.js';
import { PreCallTestError } from './PreCallTestError.js';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const JWT = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ apikey: 'k', permissions: ['allow_join'] })}.c2ln`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PreCallTestError);
    return (err as PreCallTestError).code;
  }
  return undefined;
}

describe('looksLikeJwt', () => {
  it('accepts three base64url parts with a JSON object payload', () => {
    expect(looksLikeJwt(JWT)).toBe(true);
  });
  it.each([
    ['two parts', 'a.b'],
    ['a payload that is not JSON', `${b64({})}.bm90IGpzb24.c2ln`],
    ['a JSON array payload', `${b64({})}.${b64([1])}.c2ln`],
    ['characters outside base64url', `${b64({})}.${b64({ a: 1 })}.si g`],
    ['an empty string', ''],
  ])('refuses %s', (_what, token) => {
    expect(looksLikeJwt(token)).toBe(false);
  });
});

describe('validatePreCallOptions', () => {
  it('fills VideoSDK defaults: 15 s sampling, audioOnly false', () => {
    const o = validatePreCallOptions({ token: JWT });
    expect(o.samplingDuration).toBe(15_000);
    expect(o.audioOnly).toBe(false);
  });

  it.each([
    ['no options', undefined, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['options not an object', 'x', 'ERROR_PRECALL_INVALID_CONFIG'],
    ['no token', {}, 'ERROR_PRECALL_INVALID_TOKEN'],
    ['an empty token', { token: '' }, 'ERROR_PRECALL_INVALID_TOKEN'],
    ['a token that is not a JWT', { token: 'abc' }, 'ERROR_PRECALL_INVALID_TOKEN'],
    ['a numeric token', { token: 42 }, 'ERROR_PRECALL_INVALID_TOKEN'],
    ['samplingDuration below 10 s', { token: JWT, samplingDuration: 9_999 }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['samplingDuration above 120 s', { token: JWT, samplingDuration: 120_001 }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['samplingDuration as a string', { token: JWT, samplingDuration: '15000' }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['samplingDuration NaN', { token: JWT, samplingDuration: Number.NaN }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['audioOnly not a boolean', { token: JWT, audioOnly: 'yes' }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['videoTrack not a MediaStream', { token: JWT, videoTrack: {} }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['audioConfig null', { token: JWT, audioConfig: null }, 'ERROR_PRECALL_INVALID_CONFIG'],
    ['onStatsChange not a function', { token: JWT, onStatsChange: 1 }, 'ERROR_PRECALL_INVALID_CONFIG'],
  ])('given %s, throws %s', (_what, options, code) => {
    expect(codeOf(() => validatePreCallOptions(options))).toBe(code);
  });

  it('accepts both bounds of samplingDuration', () => {
    expect(validatePreCallOptions({ token: JWT, samplingDuration: 10_000 }).samplingDuration).toBe(10_000);
    expect(validatePreCallOptions({ token: JWT, samplingDuration: 120_000 }).samplingDuration).toBe(120_000);
  });

  it('the error message says what was wrong after the standard text', () => {
    try {
      validatePreCallOptions({ token: JWT, samplingDuration: 5 });
    } catch (err) {
      expect((err as Error).message).toMatch(/^Invalid runPreCallTest\(\) options\. \(samplingDuration must be/);
      expect((err as PreCallTestError).toJSON().code).toBe('ERROR_PRECALL_INVALID_CONFIG');
    }
  });
});
