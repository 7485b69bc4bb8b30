// Audio for the in-process compositor: each participant's decoded PCM (interleaved s16le stereo at
// 48 kHz, from an ffmpeg decoder's stdout) is jitter-buffered in a PcmSource ring, and the
// AudioMixer sums one fixed-size frame from every source, saturating to int16, into one reused
// output Buffer. Only `push` copies; mixing a frame allocates nothing.

export const SAMPLE_RATE = 48000;
export const CHANNELS = 2;

/** Bytes per stereo sample (one int16 per channel). */
const FRAME_BYTES = 2 * CHANNELS;
const samplesIn = (ms: number): number => Math.round((SAMPLE_RATE * ms) / 1000);

export interface PcmSourceOptions {
  /** Audio to hold before a (re)started source is mixed in. Default 60 ms. */
  prebufferMs?: number;
  /** Beyond this the oldest audio is dropped, bounding latency. Default 300 ms. */
  maxBufferMs?: number;
}

/** One participant's decoded audio, fed in chunks of any length as they arrive. */
export class PcmSource {
  /** Stereo samples dropped because the buffer was full (the oldest go first). */
  droppedSamples = 0;
  /** Times the source ran dry while playing; each sends it back to prebuffering. */
  underruns = 0;

  private readonly ring: Int16Array;
  private readonly capacity: number; // stereo samples
  private readonly prebuffer: number; // stereo samples
  private readPos = 0; // stereo sample index into the ring
  private count = 0; // stereo samples buffered
  private playing = false;
  /** The bytes of a stereo sample split across chunks. */
  private readonly carry = Buffer.alloc(FRAME_BYTES);
  private carryLength = 0;

  constructor(opts: PcmSourceOptions = {}) {
    const prebufferMs = opts.prebufferMs ?? 60;
    const maxBufferMs = opts.maxBufferMs ?? 300;
    if (!(prebufferMs >= 0) || !(maxBufferMs > 0) || prebufferMs > maxBufferMs) {
      throw new RangeError(`PcmSource needs 0 <= prebufferMs <= maxBufferMs, got ${prebufferMs} and ${maxBufferMs}`);
    }
    this.capacity = Math.max(1, samplesIn(maxBufferMs));
    this.prebuffer = samplesIn(prebufferMs);
    this.ring = new Int16Array(this.capacity * CHANNELS);
  }

  get bufferedMs(): number {
    return (this.count * 1000) / SAMPLE_RATE;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    if (this.carryLength > 0) {
      const take = Math.min(FRAME_BYTES - this.carryLength, chunk.length);
      chunk.copy(this.carry, this.carryLength, 0, take);
      this.carryLength += take;
      offset = take;
      if (this.carryLength < FRAME_BYTES) return;
      this.makeRoom(1);
      this.write(this.carry, 0, 1);
      this.carryLength = 0;
    }
    let whole = Math.floor((chunk.length - offset) / FRAME_BYTES);
    const tailStart = offset + whole * FRAME_BYTES;
    if (whole > this.capacity) {
      // More than the whole buffer in one chunk: only its newest part can be kept.
      const skip = whole - this.capacity;
      this.droppedSamples += skip;
      offset += skip * FRAME_BYTES;
      whole = this.capacity;
    }
    this.makeRoom(whole);
    this.write(chunk, offset, whole);
    this.carryLength = chunk.copy(this.carry, 0, tailStart);
  }

  /**
   * Adds up to `samples` stereo samples to `acc` (interleaved int32). While prebuffering it adds
   * nothing; running short while playing adds what there is, counts an underrun and prebuffers again.
   */
  mixInto(acc: Int32Array, samples: number): void {
    if (!this.playing) {
      if (this.count < this.prebuffer || this.count === 0) return;
      this.playing = true;
    }
    const n = Math.min(samples, this.count);
    const ring = this.ring;
    let pos = this.readPos;
    for (let i = 0; i < n; i++) {
      acc[2 * i] += ring[2 * pos]!;
      acc[2 * i + 1] += ring[2 * pos + 1]!;
      if (++pos === this.capacity) pos = 0;
    }
    this.readPos = pos;
    this.count -= n;
    if (n < samples) {
      this.underruns++;
      this.playing = false;
    }
  }

  /** Drops the oldest samples so `incoming` more fit. */
  private makeRoom(incoming: number): void {
    const overflow = this.count + incoming - this.capacity;
    if (overflow <= 0) return;
    this.readPos = (this.readPos + overflow) % this.capacity;
    this.count -= overflow;
    this.droppedSamples += overflow;
  }

  private write(src: Buffer, offset: number, samples: number): void {
    const ring = this.ring;
    let pos = (this.readPos + this.count) % this.capacity;
    for (let i = 0; i < samples; i++, offset += FRAME_BYTES) {
      ring[2 * pos] = src.readInt16LE(offset);
      ring[2 * pos + 1] = src.readInt16LE(offset + 2);
      if (++pos === this.capacity) pos = 0;
    }
    this.count += samples;
  }
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Sums one frame from every source per call. */
export class AudioMixer {
  /** Stereo samples per output frame (960 at 20 ms). */
  readonly samplesPerFrame: number;

  private readonly sources = new Map<string, PcmSource>();
  /** The sources as an array, so a frame does not allocate a Map iterator. */
  private list: PcmSource[] = [];
  private readonly acc: Int32Array;
  private readonly out: Buffer;
  private readonly outSamples: Int16Array;

  constructor(frameMs = 20) {
    const samples = (SAMPLE_RATE * frameMs) / 1000;
    if (!Number.isInteger(samples) || samples <= 0) {
      throw new RangeError(`frameMs ${frameMs} is not a whole number of samples at ${SAMPLE_RATE} Hz`);
    }
    this.samplesPerFrame = samples;
    this.acc = new Int32Array(samples * CHANNELS);
    this.out = Buffer.alloc(samples * FRAME_BYTES);
    this.outSamples = new Int16Array(this.out.buffer, this.out.byteOffset, samples * CHANNELS);
  }

  add(id: string, source: PcmSource): void {
    this.sources.set(id, source);
    this.list = [...this.sources.values()];
  }

  remove(id: string): void {
    if (this.sources.delete(id)) this.list = [...this.sources.values()];
  }

  /**
   * Mixes one frame from every source into the returned Buffer: the same Buffer each call, valid
   * until the next one. Sums saturate to int16; sources that are prebuffering or short add silence.
   */
  mixFrame(): Buffer {
    const acc = this.acc;
    acc.fill(0);
    const list = this.list;
    for (let i = 0; i < list.length; i++) list[i]!.mixInto(acc, this.samplesPerFrame);
    for (let i = 0; i < acc.length; i++) {
      const v = acc[i]!;
      const s = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      if (littleEndianHost) this.outSamples[i] = s;
      else this.out.writeInt16LE(s, 2 * i);
    }
    return this.out;
  }
}
