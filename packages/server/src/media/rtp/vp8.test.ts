import { describe, it, expect } from 'vitest';
import { Vp8View, parseVp8, writeVp8PictureId, writeVp8Tl0PicIdx } from './vp8.js';

// Descriptor bytes are placed after 12 filler bytes so offsets are absolute, as in a real packet.
const PREFIX = 12;
function payload(bytes: number[]): Uint8Array {
  return Uint8Array.from([...new Array<number>(PREFIX).fill(0xee), ...bytes]);
}
function parse(bytes: number[]): { buf: Uint8Array; v: Vp8View } {
  const buf = payload(bytes);
  const v = new Vp8View();
  expect(parseVp8(buf, PREFIX, bytes.length, v)).toBe(true);
  return { buf, v };
}

const KEY = 0x10; // VP8 frame header byte with P = 0
const DELTA = 0x11; // P = 1

describe('parseVp8', () => {
  it('parseVp8 with a 15-bit picture id, TL0PICIDX and TID at start of a keyframe fills every field', () => {
    // X=1 S=1 PID=0 | I L T | M=1 pid=0x1234 | tl0=0x56 | TID=2 Y=1
    const { v } = parse([0x90, 0xe0, 0x80 | 0x12, 0x34, 0x56, 0xa0, KEY, 0, 0]);
    expect(v.isStartOfFrame).toBe(true);
    expect(v.isKeyframe).toBe(true);
    expect(v.pictureIdBits).toBe(15);
    expect(v.pictureId).toBe(0x1234);
    expect(v.pictureIdOffset).toBe(PREFIX + 2);
    expect(v.tl0PicIdx).toBe(0x56);
    expect(v.tl0PicIdxOffset).toBe(PREFIX + 4);
    expect(v.temporalId).toBe(2);
    expect(v.layerSync).toBe(true);
  });

  it('parseVp8 with a 7-bit picture id and no TL0PICIDX/TID leaves those at -1', () => {
    const { v } = parse([0x90, 0x80, 0x55, DELTA]);
    expect(v.pictureIdBits).toBe(7);
    expect(v.pictureId).toBe(0x55);
    expect(v.tl0PicIdxOffset).toBe(-1);
    expect(v.tl0PicIdx).toBe(-1);
    expect(v.temporalId).toBe(-1);
    expect(v.layerSync).toBe(false);
    expect(v.isStartOfFrame).toBe(true);
    expect(v.isKeyframe).toBe(false);
  });

  it('parseVp8 without the X bit has no picture id and reads the P bit right after byte 0', () => {
    const { v } = parse([0x10, KEY]);
    expect(v.pictureIdOffset).toBe(-1);
    expect(v.pictureId).toBe(-1);
    expect(v.pictureIdBits).toBe(0);
    expect(v.isKeyframe).toBe(true);
  });

  it('parseVp8 with K but not T skips the TID byte and leaves temporalId -1', () => {
    const { v } = parse([0x90, 0x10, 0x1f, KEY]);
    expect(v.temporalId).toBe(-1);
    expect(v.isKeyframe).toBe(true);
  });

  it('parseVp8 on a continuation packet (S=0) is neither start of frame nor keyframe', () => {
    const { v } = parse([0x80, 0x80, 0x05, KEY]);
    expect(v.isStartOfFrame).toBe(false);
    expect(v.isKeyframe).toBe(false);
    expect(v.pictureId).toBe(5);
  });

  it('parseVp8 with S=1 but partition index 1 is not start of frame', () => {
    const { v } = parse([0x91, 0x80, 0x05, KEY]);
    expect(v.isStartOfFrame).toBe(false);
    expect(v.isKeyframe).toBe(false);
  });

  it('parseVp8 truncated at every length inside the descriptor returns false', () => {
    const bytes = [0x90, 0xe0, 0x80 | 0x12, 0x34, 0x56, 0xa0, KEY];
    const buf = payload(bytes);
    const v = new Vp8View();
    for (let len = 0; len < bytes.length; len++) expect(parseVp8(buf, PREFIX, len, v)).toBe(false);
    expect(parseVp8(buf, PREFIX, bytes.length, v)).toBe(true);
  });

  it('parseVp8 with payloadLength past the end of the buffer returns false', () => {
    const buf = payload([0x10, KEY]);
    expect(parseVp8(buf, PREFIX, 10, new Vp8View())).toBe(false);
  });

  it('parseVp8 after a failed parse leaves no stale fields from the previous packet', () => {
    const v = new Vp8View();
    const good = payload([0x90, 0xc0, 0x05, 0x07, KEY]);
    expect(parseVp8(good, PREFIX, 5, v)).toBe(true);
    expect(parseVp8(good, PREFIX, 2, v)).toBe(false);
    expect(v.pictureIdOffset).toBe(-1);
    expect(v.isKeyframe).toBe(false);
  });
});

describe('writeVp8PictureId / writeVp8Tl0PicIdx', () => {
  it('writeVp8PictureId on a 15-bit id then parseVp8 gives the value (wrapped) with M set, other bytes unchanged', () => {
    const { buf, v } = parse([0x90, 0xe0, 0x80, 0x01, 0x56, 0xa0, KEY, 7]);
    const before = Uint8Array.from(buf);
    writeVp8PictureId(buf, v, 0x8000 + 0x4321);
    const again = new Vp8View();
    expect(parseVp8(buf, PREFIX, 8, again)).toBe(true);
    expect(again.pictureIdBits).toBe(15);
    expect(again.pictureId).toBe(0x4321);
    expect(v.pictureId).toBe(1); // the view keeps the parsed value: each subscriber rewrites from it
    for (let i = 0; i < buf.length; i++) {
      if (i !== PREFIX + 2 && i !== PREFIX + 3) expect(buf[i]).toBe(before[i]);
    }
  });

  it('writeVp8PictureId on a 7-bit id keeps the short form and wraps at 128', () => {
    const { buf, v } = parse([0x90, 0x80, 0x7f, DELTA]);
    writeVp8PictureId(buf, v, 130);
    expect(buf[PREFIX + 2]).toBe(2);
    const again = new Vp8View();
    expect(parseVp8(buf, PREFIX, 4, again)).toBe(true);
    expect(again.pictureIdBits).toBe(7);
    expect(again.pictureId).toBe(2);
    expect(buf[PREFIX + 3]).toBe(DELTA);
  });

  it('writeVp8PictureId and writeVp8Tl0PicIdx without those fields write nothing', () => {
    const { buf, v } = parse([0x10, KEY]);
    const before = Uint8Array.from(buf);
    writeVp8PictureId(buf, v, 99);
    writeVp8Tl0PicIdx(buf, v, 99);
    expect(Array.from(buf)).toEqual(Array.from(before));
  });

  it('writeVp8Tl0PicIdx then parseVp8 gives the value wrapped to 8 bits', () => {
    const { buf, v } = parse([0x90, 0xc0, 0x05, 0x07, KEY]);
    writeVp8Tl0PicIdx(buf, v, 257);
    const again = new Vp8View();
    expect(parseVp8(buf, PREFIX, 5, again)).toBe(true);
    expect(again.tl0PicIdx).toBe(1);
    expect(again.pictureId).toBe(5);
  });
});
