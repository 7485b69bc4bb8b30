import { describe, expect, it } from 'vitest';
import { localParticipantId, newParticipantId, normalizeMode, tokenParticipantId } from './localIdentity.js';
import { resolveMeetingOptions } from './meetingOptions.js';

const b64url = (s: string) => Buffer.from(s).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) => `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify(claims))}.sig`;

describe('the local participant id', () => {
  it('a token that pins participantId wins; else the app\'s id; else a generated one', () => {
    expect(localParticipantId(jwt({ participantId: 'pinned' }), 'mine')).toBe('pinned');
    expect(localParticipantId(jwt({ roomId: 'r' }), 'mine')).toBe('mine');
    expect(localParticipantId(undefined, 42)).toBe('42');
    expect(localParticipantId(undefined, '  ')).toMatch(/^[a-z0-9]{8}$/);
    expect(newParticipantId()).not.toBe(newParticipantId());
  });

  it('decodes base64url payloads with non-ASCII text and ignores malformed tokens', () => {
    expect(tokenParticipantId(jwt({ participantId: 'zoë-ü?>>' }))).toBe('zoë-ü?>>');
    expect(tokenParticipantId('not-a-jwt')).toBeUndefined();
    expect(tokenParticipantId('a.!!!.c')).toBeUndefined();
    expect(tokenParticipantId(jwt({ participantId: 7 }))).toBeUndefined();
  });
});

describe('modes and initMeeting options', () => {
  it('CONFERENCE and VIEWER are aliases; anything else is no mode', () => {
    expect(normalizeMode('CONFERENCE')).toBe('SEND_AND_RECV');
    expect(normalizeMode('VIEWER')).toBe('SIGNALLING_ONLY');
    expect(normalizeMode('RECV_ONLY')).toBe('RECV_ONLY');
    expect(normalizeMode('viewer')).toBeUndefined();
  });

  it('options are normalised where VideoSDK is lenient and refused where it throws', () => {
    expect(resolveMeetingOptions({ meetingId: 7 as never, name: 3 as never, micEnabled: 'false' as never, webcamEnabled: 'true' as never, mode: 'VIEWER' as never, maxResolution: 'SD' as never })).toEqual({
      meetingId: '7',
      name: '3',
      micEnabled: false,
      webcamEnabled: true,
      mode: 'SIGNALLING_ONLY',
      maxResolution: 'sd',
    });
    expect(resolveMeetingOptions({ meetingId: 'x', maxResolution: '4k' as never }).maxResolution).toBeUndefined();
    const code = (o: unknown) => {
      try {
        resolveMeetingOptions(o as never);
        return 'ok';
      } catch (e) {
        return (e as { code: number }).code;
      }
    };
    expect(code({ meetingId: ' ' })).toBe(4003);
    expect(code({ meetingId: 'x', mode: 'BROADCAST' })).toBe(3067);
    expect(code({ meetingId: 'x', metaData: [1] })).toBe(3073);
  });
});
