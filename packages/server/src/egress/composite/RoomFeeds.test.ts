import { describe, expect, it } from 'vitest';
import { layerFor } from './RoomFeeds.js';

describe('layerFor', () => {
  it('gives a strip thumbnail the lowest layer, a half-screen tile the middle one, a full 720p tile the best', () => {
    expect(layerFor({ w: 180, h: 132, what: 'video' })).toBe(0);
    expect(layerFor({ w: 418, h: 468, what: 'video' })).toBe(1);
    expect(layerFor({ w: 1268, h: 708, what: 'video' })).toBe(2);
  });

  it('counts a wide tile by the 16:9 height its crop needs', () => {
    expect(layerFor({ w: 1268, h: 100, what: 'video' })).toBe(2);
  });

  it('always forwards the best layer of a screen share', () => {
    expect(layerFor({ w: 100, h: 60, what: 'share' })).toBe(2);
  });
});
