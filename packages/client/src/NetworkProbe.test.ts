import { describe, expect, it } from 'vitest';
import { NetworkProbe, scoreNetwork, summarizeRtt } from './NetworkProbe.js';
import { captureErrorCode } from './PreCallTest.js';
import { RoomkitError } from './protocolRuntime.js';

describe('summarizeRtt', () => {
  it('gives the mean and the mean successive difference', () => {
    expect(summarizeRtt([10, 20, 10, 20])).toEqual({ rtt: 15, jitter: 10 });
  });
  it('one sample has no jitter; none gives null', () => {
    expect(summarizeRtt([42])).toEqual({ rtt: 42, jitter: 0 });
    expect(summarizeRtt([])).toBeNull();
  });
});

describe('scoreNetwork', () => {
  it.each([
    [{ rtt: 20, jitter: 2, mbps: 50 }, 'excellent'],
    [{ rtt: 150, jitter: 2, mbps: 50 }, 'good'],
    [{ rtt: 20, jitter: 2, mbps: 0.5 }, 'fair'],
    [{ rtt: 500, jitter: 2, mbps: 50 }, 'poor'],
    [{ rtt: 20, jitter: 150, mbps: null }, 'poor'],
  ] as const)('%o → %s', (m, score) => {
    expect(scoreNetwork(m)).toBe(score);
  });
});

describe('NetworkProbe', () => {
  it('strips a trailing slash and keeps a path prefix of the server URL', () => {
    expect(new NetworkProbe('https://rk.example.com/').baseUrl).toBe('https://rk.example.com');
    expect(new NetworkProbe('https://example.com/roomkit/').baseUrl).toBe('https://example.com/roomkit');
  });
  it('without a URL outside a page, throws ERROR_INVALID_PARAMETER', () => {
    expect(() => new NetworkProbe(undefined)).toThrow(RoomkitError);
    expect(() => new NetworkProbe('not a url')).toThrow(/not a URL/);
  });
});

describe('captureErrorCode', () => {
  it.each([
    ['video', 'NotFoundError', 'ERROR_CAMERA_NOT_FOUND'],
    ['audio', 'NotAllowedError', 'ERROR_MICROPHONE_ACCESS_DENIED_OR_DISMISSED'],
    ['video', 'NotReadableError', 'ERROR_CAMERA_IN_USE'],
    ['audio', 'OverconstrainedError', 'ERROR_MICROPHONE_CONSTRAINT_NOT_SATISFIED'],
    ['video', 'AbortError', 'ERROR_VIDEO_SOURCE_INITIATION_FAILED'],
    ['audio', undefined, 'ERROR_AUDIO_SOURCE_INITIATION_FAILED'],
  ] as const)('%s %s → %s', (kind, name, code) => {
    expect(captureErrorCode(kind, name ? { name } : 'boom')).toBe(code);
  });
});
