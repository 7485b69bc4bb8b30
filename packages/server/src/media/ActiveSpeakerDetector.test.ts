import { describe, expect, it } from 'vitest';
import { ActiveSpeakerDetector } from './ActiveSpeakerDetector.js';

const tick = (d: ActiveSpeakerDetector, levels: Record<string, number>) => d.update(new Map(Object.entries(levels)));

describe('ActiveSpeakerDetector', () => {
  it('picks a talker only after it stays loudest for consecutive ticks', () => {
    const d = new ActiveSpeakerDetector();
    expect(tick(d, { a: 30, b: 127 })).toBe(false);
    expect(tick(d, { a: 30, b: 127 })).toBe(true);
    expect(d.speaker).toBe('a');
  });

  it('silence everywhere never selects a speaker', () => {
    const d = new ActiveSpeakerDetector();
    for (let i = 0; i < 10; i++) expect(tick(d, { a: 127, b: 120 })).toBe(false);
    expect(d.speaker).toBeNull();
  });

  it('a single loud tick (a cough) from another participant does not take the floor', () => {
    const d = new ActiveSpeakerDetector();
    for (let i = 0; i < 4; i++) tick(d, { a: 30, b: 127 });
    expect(d.speaker).toBe('a');
    expect(tick(d, { a: 30, b: 10 })).toBe(false);
    for (let i = 0; i < 3; i++) tick(d, { a: 30, b: 127 });
    expect(d.speaker).toBe('a');
  });

  it('follows alternating talkers', () => {
    const d = new ActiveSpeakerDetector();
    const seen: string[] = [];
    for (const talker of ['a', 'b', 'a']) {
      for (let i = 0; i < 6; i++) if (tick(d, talker === 'a' ? { a: 25, b: 127 } : { a: 127, b: 25 })) seen.push(d.speaker!);
    }
    expect(seen).toEqual(['a', 'b', 'a']);
  });

  it('remove() of the speaker clears it', () => {
    const d = new ActiveSpeakerDetector();
    tick(d, { a: 30 });
    tick(d, { a: 30 });
    d.remove('a');
    expect(d.speaker).toBeNull();
  });
});
