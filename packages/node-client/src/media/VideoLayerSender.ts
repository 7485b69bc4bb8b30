// Turns one simulcast layer's pre-encoded VP8 frames into RTP, looping the file forever: sequence
// numbers, timestamps, picture ids and TL0PICIDX keep advancing across loops, and a keyframe
// request makes the next frame sent the file's next keyframe (we cannot re-encode).
import { writeRtp, type HeaderExtension } from '../rtp/rtp.js';
import { VP8_DESCRIPTOR_BYTES, writeVp8Descriptor } from '../rtp/vp8.js';
import { RtpStreamState } from './RtpStreamState.js';
import type { VideoLayerSource } from './SyntheticMedia.js';

/** Largest RTP payload we build (descriptor included): leaves room for SRTP, UDP and IP headers. */
const MAX_PAYLOAD = 1100;

export interface VideoSenderCounters {
  framesSent: number;
  keyframesSent: number;
  keyframeRequests: number;
  loops: number;
}

export class VideoLayerSender {
  readonly rtp = new RtpStreamState();
  readonly counters: VideoSenderCounters = { framesSent: 0, keyframesSent: 0, keyframeRequests: 0, loops: 0 };
  private position = 0;
  private pictureId = (Math.random() * 0x7fff) | 0;
  private tl0PicIdx = (Math.random() * 0xff) | 0;
  private wantKeyframe = false;

  constructor(
    readonly source: VideoLayerSource,
    private readonly payloadType: number,
    /** One-byte extension id of sdes:rtp-stream-id, 0 to leave it out (no simulcast). */
    private readonly ridExtensionId: number,
  ) {}

  /** The next frame sent will be a keyframe (the file's next one). */
  requestKeyframe(): void {
    this.counters.keyframeRequests++;
    this.wantKeyframe = true;
  }

  /** Packets of the frame for frame slot `slot` (RTP time = slot × frame duration). */
  nextFrame(slot: number, frameRate: number): Buffer[] {
    const { frames, keyframes } = this.source;
    if (this.wantKeyframe) {
      this.wantKeyframe = false;
      if (!keyframes.includes(this.position)) {
        const next = keyframes.find((k) => k > this.position);
        if (next === undefined) this.wrap();
        else this.position = next;
      }
    }
    const frame = frames[this.position]!;
    const keyframe = keyframes.includes(this.position);
    this.position++;
    if (this.position >= frames.length) this.wrap();
    const timestamp = (this.rtp.tsBase + Math.round((slot * 90000) / frameRate)) >>> 0;
    const packets = this.packetize(frame, timestamp);
    this.pictureId = (this.pictureId + 1) & 0x7fff;
    this.tl0PicIdx = (this.tl0PicIdx + 1) & 0xff;
    this.counters.framesSent++;
    if (keyframe) this.counters.keyframesSent++;
    return packets;
  }

  private wrap(): void {
    this.position = 0;
    this.counters.loops++;
  }

  private packetize(frame: Buffer, timestamp: number): Buffer[] {
    const room = MAX_PAYLOAD - VP8_DESCRIPTOR_BYTES;
    const count = Math.max(1, Math.ceil(frame.length / room));
    const chunk = Math.ceil(frame.length / count);
    const extensions: HeaderExtension[] = [];
    if (this.ridExtensionId > 0 && !this.rtp.acknowledged) {
      extensions.push({ id: this.ridExtensionId, data: Buffer.from(this.source.rid, 'latin1') });
    }
    const packets: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const descriptor = Buffer.alloc(VP8_DESCRIPTOR_BYTES);
      writeVp8Descriptor(descriptor, 0, i === 0, this.pictureId, this.tl0PicIdx);
      const payload = frame.subarray(i * chunk, Math.min(frame.length, (i + 1) * chunk));
      packets.push(writeRtp({
        payloadType: this.payloadType,
        marker: i === count - 1,
        sequenceNumber: this.rtp.nextSeq(),
        timestamp,
        ssrc: this.rtp.ssrc,
        extensions,
        payload: [descriptor, payload],
      }));
      this.rtp.payloadBytesSent += descriptor.length + payload.length;
    }
    this.rtp.lastTimestamp = timestamp;
    return packets;
  }
}
