import { describe, expect, it } from 'vitest';
import { AudioMixer, PcmSource, SAMPLE_RATE } from './AudioMixer.js';

const PER_MS = SAMPLE_RATE / 1000; // stereo samples per millisecond

/** `ms` of interleaved s16le stereo where left = l and right = r on every sample. */
function pcm(ms: number, l: number, r = l): Buffer {
  const n = ms * PER_MS;
  const b = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) {
    b.writeInt16LE(l, 4 * i);
    b.writeInt16LE(r, 4 * i + 2);
  }
  return b;
}

/** s16le stereo whose left channel counts up from `from` (right = -left). */
function ramp(samples: number, from = 0): Buffer {
  const b = Buffer.alloc(samples * 4);
  for (let i = 0; i < samples; i++) {
    b.writeInt16LE((from + i) % 32768, 4 * i);
    b.writeInt16LE(-((from + i) % 32768), 4 * i + 2);
  }
  return b;
}

const samples = (frame: Buffer): number[] => Array.from({ length: frame.length / 2 }, (_, i) => frame.readInt16LE(2 * i));
const left = (frame: Buffer): number[] => samples(frame).filter((_, i) => i % 2 === 0);
const allEqual = (frame: Buffer, l: number, r = l): boolean => samples(frame).every((v, i) => v === (i % 2 === 0 ? l : r));

/** A source that plays at once (no prebuffer), for tests about mixing itself. */
const live = (): PcmSource => new PcmSource({ prebufferMs: 0 });

describe('AudioMixer.mixFrame', () => {
  it('with no sources returns 20 ms of silence, in the same Buffer every call', () => {
    const mixer = new AudioMixer();
    const a = mixer.mixFrame();
    expect(a.length).toBe(960 * 4);
    expect(a.every((b) => b === 0)).toBe(true);
    expect(mixer.mixFrame()).toBe(a);
  });

  it('sums two sources sample by sample per channel', () => {
    const mixer = new AudioMixer();
    const a = live(), b = live();
    a.push(pcm(20, 1000, -200));
    b.push(pcm(20, 234, 50));
    mixer.add('a', a);
    mixer.add('b', b);
    expect(allEqual(mixer.mixFrame(), 1234, -150)).toBe(true);
  });

  it('saturates sums at 32767 and -32768 instead of wrapping', () => {
    const mixer = new AudioMixer();
    const a = live(), b = live();
    a.push(pcm(20, 30000, -30000));
    b.push(pcm(20, 10000, -10000));
    mixer.add('a', a);
    mixer.add('b', b);
    expect(allEqual(mixer.mixFrame(), 32767, -32768)).toBe(true);
  });

  it('stops mixing a removed source', () => {
    const mixer = new AudioMixer();
    const a = live();
    a.push(pcm(40, 500));
    mixer.add('a', a);
    expect(allEqual(mixer.mixFrame(), 500)).toBe(true);
    mixer.remove('a');
    expect(allEqual(mixer.mixFrame(), 0)).toBe(true);
  });

  it('takes its frame size from frameMs and rejects one that is not a whole number of samples', () => {
    expect(new AudioMixer(10).mixFrame().length).toBe(480 * 4);
    expect(() => new AudioMixer(0.01)).toThrow(RangeError);
  });
});

describe('PcmSource prebuffering and underruns', () => {
  it('contributes silence until 60 ms is buffered, then plays in order', () => {
    const mixer = new AudioMixer();
    const src = new PcmSource();
    mixer.add('a', src);
    src.push(ramp(40 * PER_MS));
    expect(allEqual(mixer.mixFrame(), 0)).toBe(true);
    expect(src.bufferedMs).toBe(40);
    src.push(ramp(20 * PER_MS, 40 * PER_MS));
    expect(left(mixer.mixFrame())).toEqual(Array.from({ length: 960 }, (_, i) => i));
    expect(left(mixer.mixFrame())[0]).toBe(960);
    expect(src.bufferedMs).toBe(20);
    expect(src.underruns).toBe(0);
  });

  it('on running dry adds what it has padded with silence, counts an underrun, then prebuffers again', () => {
    const mixer = new AudioMixer();
    const src = new PcmSource();
    mixer.add('a', src);
    src.push(pcm(70, 100));
    mixer.mixFrame();
    mixer.mixFrame();
    mixer.mixFrame(); // 10 ms left
    const short = left(mixer.mixFrame());
    expect(short.slice(0, 480).every((v) => v === 100)).toBe(true);
    expect(short.slice(480).every((v) => v === 0)).toBe(true);
    expect(src.underruns).toBe(1);
    src.push(pcm(40, 100));
    expect(allEqual(mixer.mixFrame(), 0)).toBe(true); // 40 ms < 60 ms prebuffer
    expect(src.underruns).toBe(1); // waiting to prebuffer is not another underrun
    src.push(pcm(20, 100));
    expect(allEqual(mixer.mixFrame(), 100)).toBe(true);
  });
});

describe('PcmSource.push', () => {
  it('beyond maxBufferMs drops the oldest samples and counts them', () => {
    const src = new PcmSource({ prebufferMs: 0, maxBufferMs: 40 });
    src.push(ramp(30 * PER_MS));
    src.push(ramp(20 * PER_MS, 30 * PER_MS));
    expect(src.bufferedMs).toBe(40);
    expect(src.droppedSamples).toBe(10 * PER_MS);
    const mixer = new AudioMixer();
    mixer.add('a', src);
    expect(left(mixer.mixFrame())[0]).toBe(10 * PER_MS); // the first 10 ms are gone
  });

  it('keeps only the newest part of a chunk larger than the whole buffer', () => {
    const src = new PcmSource({ prebufferMs: 0, maxBufferMs: 20 });
    src.push(ramp(5 * PER_MS));
    src.push(ramp(50 * PER_MS, 1000));
    expect(src.bufferedMs).toBe(20);
    expect(src.droppedSamples).toBe(5 * PER_MS + 30 * PER_MS);
    const mixer = new AudioMixer();
    mixer.add('a', src);
    expect(left(mixer.mixFrame())).toEqual(Array.from({ length: 960 }, (_, i) => 1000 + 30 * PER_MS + i));
  });

  it('reassembles samples split at any byte boundary across chunks', () => {
    const whole = ramp(960, 7);
    const src = new PcmSource({ prebufferMs: 0 });
    // Chunk lengths 1, 2, 3, 5, 7, ... so splits fall inside samples and inside stereo pairs.
    const sizes = [1, 2, 3, 5, 7, 1, 1, 1, 6];
    let at = 0;
    for (let k = 0; at < whole.length; k++) {
      const end = Math.min(whole.length, at + sizes[k % sizes.length]!);
      src.push(whole.subarray(at, end));
      at = end;
    }
    expect(src.bufferedMs).toBe(20);
    const mixer = new AudioMixer();
    mixer.add('a', src);
    expect(mixer.mixFrame().equals(whole)).toBe(true);
  });

  it('does not count a partial sample as buffered until its last byte arrives', () => {
    const src = new PcmSource({ prebufferMs: 0 });
    const one = ramp(1, 42);
    src.push(one.subarray(0, 3));
    expect(src.bufferedMs).toBe(0);
    src.push(one.subarray(3));
    expect(src.bufferedMs).toBe(1 / PER_MS);
  });

  it('rejects a prebuffer longer than the buffer', () => {
    expect(() => new PcmSource({ prebufferMs: 400, maxBufferMs: 300 })).toThrow(RangeError);
  });
});
