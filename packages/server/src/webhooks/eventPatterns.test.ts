import { describe, expect, it } from 'vitest';
import { matchesEvent } from './eventPatterns.js';

describe('matchesEvent', () => {
  it('matches exact names, * and prefix-* patterns, and nothing else', () => {
    expect(matchesEvent(['participant-joined'], 'participant-joined')).toBe(true);
    expect(matchesEvent(['participant-joined'], 'participant-left')).toBe(false);
    expect(matchesEvent(['*'], 'hls-playable')).toBe(true);
    expect(matchesEvent(['recording-*'], 'recording-started')).toBe(true);
    expect(matchesEvent(['recording-*'], 'livestream-started')).toBe(false);
    expect(matchesEvent(['*-started'], 'session-started')).toBe(true);
    expect(matchesEvent(['session.*'], 'session-started')).toBe(false);
    expect(matchesEvent([], 'session-started')).toBe(false);
  });
});
