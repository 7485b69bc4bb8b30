import { describe, it, expect } from 'vitest';
import { SequenceUnwrapper, seqDiff, seqNewer, tsDiff, tsNewer } from './sequence.js';

describe('seqNewer / seqDiff', () => {
  it('seqNewer across the 65535 -> 0 wrap treats 0 as newer', () => {
    expect(seqNewer(0, 65535)).toBe(true);
    expect(seqNewer(65535, 0)).toBe(false);
    expect(seqNewer(5, 65530)).toBe(true);
  });
  it('seqNewer with equal values returns false', () => {
    expect(seqNewer(7, 7)).toBe(false);
  });
  it('seqNewer without wrap compares numerically', () => {
    expect(seqNewer(101, 100)).toBe(true);
    expect(seqNewer(100, 101)).toBe(false);
  });
  it('seqDiff across the wrap gives the short signed distance', () => {
    expect(seqDiff(0, 65535)).toBe(1);
    expect(seqDiff(65535, 0)).toBe(-1);
    expect(seqDiff(10, 65530)).toBe(16);
    expect(seqDiff(100, 100)).toBe(0);
    expect(seqDiff(32767, 0)).toBe(32767);
    expect(seqDiff(32768, 0)).toBe(-32768);
  });
});

describe('tsNewer / tsDiff', () => {
  it('tsNewer across the 2^32 wrap treats the small value as newer', () => {
    expect(tsNewer(10, 0xfffffff0)).toBe(true);
    expect(tsNewer(0xfffffff0, 10)).toBe(false);
    expect(tsNewer(3000, 0)).toBe(true);
    expect(tsNewer(5, 5)).toBe(false);
  });
  it('tsDiff across the wrap gives the signed distance', () => {
    expect(tsDiff(10, 0xfffffff0)).toBe(26);
    expect(tsDiff(0xfffffff0, 10)).toBe(-26);
  });
});

describe('SequenceUnwrapper', () => {
  it('unwrap across 65535 -> 0 continues into the next cycle', () => {
    const u = new SequenceUnwrapper();
    expect(u.unwrap(65534)).toBe(65534);
    expect(u.unwrap(65535)).toBe(65535);
    expect(u.unwrap(0)).toBe(65536);
    expect(u.unwrap(1)).toBe(65537);
    expect(u.highestExtended).toBe(65537);
  });
  it('unwrap of a packet reordered across the wrap lands in the previous cycle', () => {
    const u = new SequenceUnwrapper();
    u.unwrap(65530);
    expect(u.unwrap(2)).toBe(65538);
    expect(u.unwrap(65533)).toBe(65533);
    expect(u.unwrap(3)).toBe(65539);
  });
  it('unwrap through several cycles keeps counting', () => {
    const u = new SequenceUnwrapper();
    let last = 0;
    for (let i = 0; i < 3 * 65536 + 10; i += 1000) last = u.unwrap(i & 0xffff);
    expect(last).toBe(196000);
  });
  it('unwrap of a packet older than the first one returns a negative value', () => {
    const u = new SequenceUnwrapper();
    u.unwrap(2);
    expect(u.unwrap(65535)).toBe(-1);
    expect(u.highestExtended).toBe(2);
  });
  it('highestExtended before any packet is -1 and reset forgets the state', () => {
    const u = new SequenceUnwrapper();
    expect(u.highestExtended).toBe(-1);
    u.unwrap(500);
    u.reset();
    expect(u.highestExtended).toBe(-1);
    expect(u.unwrap(9)).toBe(9);
  });
});
