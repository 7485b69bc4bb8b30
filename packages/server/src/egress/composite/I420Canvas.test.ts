import { describe, expect, it } from 'vitest';
import { blit, fillRect, I420Frame, NearestScaler, rgbToYuv } from './I420Canvas.js';

/** Reads one plane as rows of numbers. */
function plane(f: I420Frame, which: 'y' | 'u' | 'v'): number[][] {
  const w = which === 'y' ? f.width : f.width / 2;
  const h = which === 'y' ? f.height : f.height / 2;
  const base = which === 'y' ? 0 : which === 'u' ? f.uOffset : f.vOffset;
  return Array.from({ length: h }, (_, r) => [...f.data.subarray(base + r * w, base + (r + 1) * w)]);
}

/** A frame whose every byte encodes plane and position: Y = 10*row+col, U = 100+..., V = 200+... */
function pattern(w: number, h: number): I420Frame {
  const f = new I420Frame(w, h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) f.data[r * w + c] = (r * 16 + c) & 0xff;
  for (let r = 0; r < h / 2; r++) {
    for (let c = 0; c < w / 2; c++) {
      f.data[f.uOffset + r * (w / 2) + c] = 100 + r * 8 + c;
      f.data[f.vOffset + r * (w / 2) + c] = 200 + ((r * 8 + c) % 50);
    }
  }
  return f;
}

/** Fills the whole frame with one byte, so untouched bytes are easy to check. */
function filled(w: number, h: number, byte: number): I420Frame {
  const f = new I420Frame(w, h);
  f.data.fill(byte);
  return f;
}

/** Every byte of every plane outside the rect (luma coordinates) still equals `byte`. */
function outsideUntouched(f: I420Frame, x: number, y: number, w: number, h: number, byte: number): boolean {
  for (const which of ['y', 'u', 'v'] as const) {
    const s = which === 'y' ? 1 : 2;
    const rows = plane(f, which);
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < rows[r]!.length; c++) {
        const inside = c >= x / s && c < (x + w) / s && r >= y / s && r < (y + h) / s;
        if (!inside && rows[r]![c] !== byte) return false;
      }
    }
  }
  return true;
}

describe('I420Frame', () => {
  it('lays out Y then U then V in one buffer of w*h*1.5 bytes', () => {
    const f = new I420Frame(8, 4);
    expect(I420Frame.byteLength(8, 4)).toBe(48);
    expect(f.data.length).toBe(48);
    expect([f.uOffset, f.vOffset]).toEqual([32, 40]);
  });

  it('wraps a given buffer without copying and rejects odd sizes and short buffers', () => {
    const buf = Buffer.alloc(48);
    expect(new I420Frame(8, 4, buf).data).toBe(buf);
    expect(() => new I420Frame(7, 4)).toThrow(RangeError);
    expect(() => new I420Frame(8, 4, Buffer.alloc(47))).toThrow(RangeError);
  });
});

describe('rgbToYuv', () => {
  it('maps black, white and the primaries to BT.601 limited-range values', () => {
    expect(rgbToYuv(0, 0, 0)).toEqual({ y: 16, u: 128, v: 128 });
    expect(rgbToYuv(255, 255, 255)).toEqual({ y: 235, u: 128, v: 128 });
    expect(rgbToYuv(255, 0, 0)).toEqual({ y: 82, u: 90, v: 240 });
    expect(rgbToYuv(0, 255, 0)).toEqual({ y: 144, u: 54, v: 34 });
    expect(rgbToYuv(0, 0, 255)).toEqual({ y: 41, u: 240, v: 110 });
  });
});

describe('fillRect', () => {
  it('fills the rect in all three planes and leaves the rest untouched', () => {
    const f = filled(8, 8, 7);
    fillRect(f, 2, 4, 4, 2, { y: 50, u: 60, v: 70 });
    expect(plane(f, 'y')[4]).toEqual([7, 7, 50, 50, 50, 50, 7, 7]);
    expect(plane(f, 'y')[5]).toEqual([7, 7, 50, 50, 50, 50, 7, 7]);
    expect(plane(f, 'u')[2]).toEqual([7, 60, 60, 7]);
    expect(plane(f, 'v')[2]).toEqual([7, 70, 70, 7]);
    expect(outsideUntouched(f, 2, 4, 4, 2, 7)).toBe(true);
  });

  it('rejects odd or out-of-bounds rects', () => {
    const f = new I420Frame(8, 8);
    expect(() => fillRect(f, 1, 0, 2, 2, { y: 0, u: 0, v: 0 })).toThrow(RangeError);
    expect(() => fillRect(f, 6, 0, 4, 2, { y: 0, u: 0, v: 0 })).toThrow(RangeError);
  });
});

describe('blit', () => {
  it('puts the exact source bytes at x,y in Y, U and V and touches nothing else', () => {
    const dst = filled(12, 8, 1);
    const src = pattern(4, 4);
    blit(dst, src, 6, 2);
    const y = plane(dst, 'y');
    for (let r = 0; r < 4; r++) expect(y[2 + r]!.slice(6, 10)).toEqual(plane(src, 'y')[r]);
    expect(plane(dst, 'u')[1]!.slice(3, 5)).toEqual(plane(src, 'u')[0]);
    expect(plane(dst, 'u')[2]!.slice(3, 5)).toEqual(plane(src, 'u')[1]);
    expect(plane(dst, 'v')[2]!.slice(3, 5)).toEqual(plane(src, 'v')[1]);
    expect(outsideUntouched(dst, 6, 2, 4, 4, 1)).toBe(true);
  });

  it('copies a full-width source at x = 0 as one block per plane', () => {
    const dst = filled(4, 8, 1);
    const src = pattern(4, 4);
    blit(dst, src, 0, 4);
    expect(plane(dst, 'y').slice(4)).toEqual(plane(src, 'y'));
    expect(plane(dst, 'v').slice(2)).toEqual(plane(src, 'v'));
    expect(outsideUntouched(dst, 0, 4, 4, 4, 1)).toBe(true);
  });

  it('rejects a source that does not fit at x,y', () => {
    expect(() => blit(new I420Frame(8, 8), new I420Frame(4, 4), 6, 0)).toThrow(RangeError);
  });
});

describe('NearestScaler', () => {
  it('doubles a 4x4 frame into an 8x8 rect by repeating each pixel 2x2', () => {
    const src = pattern(4, 4);
    const dst = filled(12, 12, 1);
    new NearestScaler().draw(dst, src, 2, 2, 8, 8, 'cover');
    const y = plane(dst, 'y');
    const sy = plane(src, 'y');
    for (let r = 0; r < 8; r++) {
      expect(y[2 + r]!.slice(2, 10)).toEqual(sy[r >> 1]!.flatMap((v) => [v, v]));
    }
    const u = plane(dst, 'u');
    const su = plane(src, 'u');
    for (let r = 0; r < 4; r++) expect(u[1 + r]!.slice(1, 5)).toEqual(su[r >> 1]!.flatMap((v) => [v, v]));
    expect(outsideUntouched(dst, 2, 2, 8, 8, 1)).toBe(true);
  });

  it('cover crops the centre of a 16:9-ish source into a square', () => {
    const src = pattern(36, 20);
    const dst = filled(24, 24, 1);
    new NearestScaler().draw(dst, src, 2, 2, 20, 20, 'cover');
    // Same height: no scaling, columns 8..27 of the source.
    const y = plane(dst, 'y');
    for (let r = 0; r < 20; r++) expect(y[2 + r]!.slice(2, 22)).toEqual(plane(src, 'y')[r]!.slice(8, 28));
    const v = plane(dst, 'v');
    for (let r = 0; r < 10; r++) expect(v[1 + r]!.slice(1, 11)).toEqual(plane(src, 'v')[r]!.slice(4, 14));
    expect(outsideUntouched(dst, 2, 2, 20, 20, 1)).toBe(true);
  });

  it('cover downscales a 16:9 source into a square taking every other centre column', () => {
    const src = pattern(64, 36);
    const dst = filled(18, 18, 1);
    new NearestScaler().draw(dst, src, 0, 0, 18, 18, 'cover');
    // scale 0.5: 36x36 centre crop from column 14, each output pixel the second of its pair.
    expect(plane(dst, 'y')[0]).toEqual(Array.from({ length: 18 }, (_, i) => plane(src, 'y')[1]![15 + 2 * i]));
  });

  it('contain letterboxes a wide source and leaves the bars as they were', () => {
    const src = pattern(8, 4);
    const dst = filled(8, 8, 1);
    new NearestScaler().draw(dst, src, 0, 0, 8, 8, 'contain');
    // 8x4 fits unscaled, centred: rows 2..5.
    expect(plane(dst, 'y').slice(2, 6)).toEqual(plane(src, 'y'));
    expect(plane(dst, 'u').slice(1, 3)).toEqual(plane(src, 'u'));
    expect(outsideUntouched(dst, 0, 2, 8, 4, 1)).toBe(true);
  });

  it('contain scales a tall source down into a wide rect with pillarbox bars', () => {
    const src = pattern(8, 16);
    const dst = filled(16, 8, 1);
    new NearestScaler().draw(dst, src, 0, 0, 16, 8, 'contain');
    // scale 0.5 → 4x8 centred at x = 6.
    const y = plane(dst, 'y');
    for (let r = 0; r < 8; r++) expect(y[r]!.slice(6, 10)).toEqual([1, 3, 5, 7].map((c) => plane(src, 'y')[2 * r + 1]![c]));
    expect(outsideUntouched(dst, 6, 0, 4, 8, 1)).toBe(true);
  });

  it('reuses its cached index maps on repeated calls at the same sizes', () => {
    const scaler = new NearestScaler();
    const maps = (scaler as unknown as { maps: Map<number, Int32Array> }).maps;
    const src = pattern(6, 4), dst = new I420Frame(16, 16);
    scaler.draw(dst, src, 0, 0, 12, 8, 'cover');
    const first = [...maps.values()];
    scaler.draw(dst, src, 2, 4, 12, 8, 'cover');
    expect([...maps.values()]).toEqual(first);
    expect([...maps.values()].every((m, i) => m === first[i])).toBe(true);
  });
});
