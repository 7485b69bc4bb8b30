// Forwards one producer to one subscriber slot: picks the simulcast layer, switches only at a
// keyframe, and rewrites SSRC, sequence number, timestamp and VP8 picture id so the subscriber's
// decoder sees one continuous stream across layer switches and stream changes.
import type { PacketSink, Producer } from './Producer.js';
import type { SlotConsumer, SubscriberSlot } from './SubscriberSlot.js';
import { type RtpView, writePayloadType, writeSequenceNumber, writeSsrc, writeTimestamp } from './rtp/rtpPacket.js';
import { type Vp8View, writeVp8PictureId, writeVp8Tl0PicIdx } from './rtp/vp8.js';
import { seqNewer } from './rtp/sequence.js';

/** Timestamp step inserted at a switch: one frame at 30 fps (90 kHz) or one Opus frame (48 kHz). */
const VIDEO_TS_STEP = 3000;
const AUDIO_TS_STEP = 960;

export class Consumer implements PacketSink, SlotConsumer {
  /** Layer the subscriber asked for (setQuality). */
  preferredLayer = 2;
  /** Layer we are trying to send: the preferred one if live, else the best live one. */
  targetLayer = -1;
  /** Layer being forwarded now; -1 until the first keyframe (video) or packet (audio). */
  currentLayer = -1;
  packetsSent = 0;
  sendErrors = 0;
  private seqOffset = 0;
  private tsOffset = 0;
  private pictureIdOffset = 0;
  private tl0Offset = 0;
  private closed = false;

  constructor(
    readonly id: string,
    readonly producer: Producer,
    readonly slot: SubscriberSlot,
  ) {}

  forward(buf: Buffer, rtp: RtpView, vp8: Vp8View, layer: number, nowMs: number): void {
    const slot = this.slot;
    if (!slot.open) return;
    if (layer !== this.currentLayer) {
      if (layer !== this.targetLayer) return;
      if (this.producer.kind === 'video' && !vp8.isKeyframe) return;
      this.switchTo(layer, rtp, vp8);
    }
    const seq = (rtp.sequenceNumber + this.seqOffset) & 0xffff;
    if (slot.hasSent && !seqNewer(seq, slot.lastSeq)) return;
    const ts = (rtp.timestamp + this.tsOffset) >>> 0;
    writeSequenceNumber(buf, seq);
    writeTimestamp(buf, ts);
    writeSsrc(buf, slot.ssrc);
    writePayloadType(buf, slot.payloadType);
    let pictureId = -1;
    let tl0 = -1;
    if (vp8.pictureIdOffset >= 0 && this.producer.kind === 'video') {
      pictureId = (vp8.pictureId + this.pictureIdOffset) & 0x7fff;
      writeVp8PictureId(buf, vp8, pictureId);
      if (vp8.tl0PicIdxOffset >= 0) {
        tl0 = (vp8.tl0PicIdx + this.tl0Offset) & 0xff;
        writeVp8Tl0PicIdx(buf, vp8, tl0);
      }
    }
    if (!slot.send(buf)) {
      this.sendErrors++;
      return;
    }
    this.packetsSent++;
    slot.hasSent = true;
    slot.lastSeq = seq;
    slot.lastTs = ts;
    if (pictureId >= 0) slot.lastPictureId = pictureId;
    if (tl0 >= 0) slot.lastTl0PicIdx = tl0;
    void nowMs;
  }

  /** Continue the slot's numbering from where it stopped, whatever stream or layer it carried. */
  private switchTo(layer: number, rtp: RtpView, vp8: Vp8View): void {
    const slot = this.slot;
    const step = this.producer.kind === 'video' ? VIDEO_TS_STEP : AUDIO_TS_STEP;
    this.currentLayer = layer;
    this.seqOffset = (slot.lastSeq + 1 - rtp.sequenceNumber) & 0xffff;
    this.tsOffset = (slot.lastTs + step - rtp.timestamp) >>> 0;
    if (vp8.pictureIdOffset >= 0) this.pictureIdOffset = (slot.lastPictureId + 1 - vp8.pictureId) & 0x7fff;
    if (vp8.tl0PicIdxOffset >= 0) this.tl0Offset = (slot.lastTl0PicIdx + 1 - vp8.tl0PicIdx) & 0xff;
  }

  /** Re-evaluates which layer to aim for; asks for a keyframe when a switch is pending. */
  update(nowMs: number): void {
    if (this.closed) return;
    if (this.producer.kind === 'audio') {
      this.targetLayer = 0;
      return;
    }
    const target = this.producer.pickLayer(this.preferredLayer, nowMs);
    this.targetLayer = target;
    // Before the slot opens a keyframe would be dropped here, and the encoder would then ignore
    // the next request for 300 ms: ask only once the subscriber can receive it.
    if (target >= 0 && target !== this.currentLayer && this.slot.open) this.producer.requestKeyframe(target, nowMs);
  }

  /** The subscriber's decoder asked for a keyframe (PLI/FIR): pass it on, throttled by the producer. */
  onKeyframeRequest(nowMs: number): void {
    const layer = this.currentLayer >= 0 ? this.currentLayer : this.targetLayer;
    if (layer >= 0) this.producer.requestKeyframe(layer, nowMs);
  }

  /** The slot can carry media now (transport open, or a reused open slot): start asking. */
  onSlotOpen(nowMs: number): void {
    this.update(nowMs);
  }

  setPreferredLayer(layer: number, nowMs: number): void {
    this.preferredLayer = layer;
    this.update(nowMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.producer.removeConsumer(this);
    if (this.slot.consumer === this) this.slot.consumer = null;
  }
}
