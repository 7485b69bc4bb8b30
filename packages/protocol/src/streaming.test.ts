import { ErrorCode, RoomkitError } from '@roomkit/protocol';
import { describe, expect, it } from 'vitest';
import { validateRtmpOutputs } from './streaming.js';

function rejection(outputs: unknown): RoomkitError {
  try {
    validateRtmpOutputs(outputs as never);
  } catch (err) {
    return err as RoomkitError;
  }
  throw new Error('expected a rejection');
}

describe('validateRtmpOutputs', () => {
  it('accepts rtmp:// and rtmps:// destinations and trims them', () => {
    expect(validateRtmpOutputs([{ url: ' rtmp://a.example/live ', streamKey: 'k1' }, { url: 'rtmps://b.example:443/app', streamKey: 'k2' }])).toEqual([
      { url: 'rtmp://a.example/live', streamKey: 'k1' },
      { url: 'rtmps://b.example:443/app', streamKey: 'k2' },
    ]);
  });

  it.each([
    [[], /^outputs: /],
    [Array.from({ length: 6 }, () => ({ url: 'rtmp://a/live', streamKey: 'k' })), /^outputs: at most 5/],
    [[{ url: 'http://a.example/live', streamKey: 'k' }], /^outputs\[0\]\.url: /],
    [[{ url: 'rtmp://a/live', streamKey: 'k' }, { url: 'not a url', streamKey: 'k' }], /^outputs\[1\]\.url: /],
    [[{ url: 'rtmp://a/live', streamKey: '' }], /^outputs\[0\]\.streamKey: must not be empty/],
    [[{ url: 'rtmp://a/live', streamKey: '   ' }], /^outputs\[0\]\.streamKey: /],
    [[{ url: 'rtmp://user:pw@a/live', streamKey: 'k' }], /^outputs\[0\]\.url: /],
  ])('rejects %j with INVALID_LIVESTREAM_CONFIG naming the field', (outputs, message) => {
    const err = rejection(outputs);
    expect(err).toBeInstanceOf(RoomkitError);
    expect(err.code).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
    expect(err.message).toMatch(message);
  });
});
