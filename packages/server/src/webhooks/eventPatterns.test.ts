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
    expect(matchesEvent(['h*s-*ed'], 'hls-stopped')).toBe(true);
    expect(matchesEvent(['**-**'], 'hls-stopped')).toBe(true);
    expect(matchesEvent(['*-*-*'], 'hls-stopped')).toBe(false);
    expect(matchesEvent(['hls-*x'], 'hls-stopped')).toBe(false);
  });

  it('a pattern of many stars that matches nothing returns at once (a regex backtracked for minutes)', () => {
    const evil = `${'*-'.repeat(30)}x`;
    expect(matchesEvent([evil], 'livestream-starting')).toBe(false);
    expect(matchesEvent([`${'*'.repeat(63)}x`], 'recording-stopping')).toBe(false);
  });
});
