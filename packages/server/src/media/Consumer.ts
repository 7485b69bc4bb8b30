// Forwards one producer to one subscriber slot: picks the simulcast layer, switches only at a
// keyframe, and rewrites SSRC, sequence number, timestamp and VP8 picture id so the subscriber's
// decoder sees one continuous stream across layer switches and stream changes. Answers the
// subscriber's NACKs with RTX built from the producer's history, and stamps abs-send-time.
import type { PacketSink, Producer } from './Producer.js';
import type { ForwardSlot, SlotConsumer } from './SubscriberSlot.js';
import { RtpView, findFixedHeaderExtension, parseRtp, writePayloadType, writeSequenceNumber, writeSsrc, writeTimestamp } from './rtp/rtpPacket.js';
import { Vp8View, parseVp8, writeVp8PictureId, writeVp8Tl0PicIdx } from './rtp/vp8.js';
import { seqNewer } from './rtp/sequence.js';
import { buildRtx } from './rtp/rtx.js';
import { relabelOneByteExtension, writeAbsSendTime } from './rtp/absSendTime.js';
import { ONE_BYTE_EXTENSION_PROFILE } from './rtp/rtpPacket.js';

/** Timestamp step inserted at a switch: one frame at 30 fps (90 kHz) or one Opus frame (48 kHz). */
const VIDEO_TS_STEP = 3000;
const AUDIO_TS_STEP = 960;
/** Sent packets remembered for NACKs (power of two). */
const SENT_MAP_SIZE = 512;
/** Offsets of this many most recent layer switches stay valid for retransmission. */
const GENERATIONS = 4;
/** Gaps up to this long in what we forward are mapped for retransmission. */
const MAX_MAPPED_GAP = 64;

// Scratch space for retransmissions, shared: all of this runs synchronously on one thread.
const historyPacket = Buffer.alloc(1500);
const rtxPacket = Buffer.alloc(1502);
const historyView = new RtpView();
const historyVp8 = new Vp8View();

export class Consumer implements PacketSink, SlotConsumer {
  /** Layer the subscriber asked for (setQuality). */
  preferredLayer = 2;
  /** Highest layer the subscriber's bandwidth allows (the allocator's choice); -1 pauses. */
  allocatedLayer = 2;
  /** Layer we are trying to send: the preferred one if live, else the best live one. */
  targetLayer = -1;
  /** Layer being forwarded now; -1 until the first keyframe (video) or packet (audio). */
  currentLayer = -1;
  /** Paused by the subscriber (stream.pause()): nothing is forwarded. */
  paused = false;
  packetsSent = 0;
  retransmissions = 0;
  sendErrors = 0;
  /** Starts and switches served from the producer's history instead of a keyframe request. */
  fastStarts = 0;
  private seqOffset = 0;
  private tsOffset = 0;
  private pictureIdOffset = 0;
  private tl0Offset = 0;
  private closed = false;
  /** outSeq << 16 | inSeq of recently sent packets, with their layer and switch generation. */
  private readonly sentSeqs: Uint32Array | null;
  private readonly sentLayers: Uint8Array | null;
  private readonly sentGenerations: Uint8Array | null;
  private generation = 0;
  private probeCursor = 0;
  private readonly generationTsOffsets = new Uint32Array(GENERATIONS);
  private readonly generationPictureIdOffsets = new Uint16Array(GENERATIONS);
  private readonly generationTl0Offsets = new Uint8Array(GENERATIONS);

  constructor(
    readonly id: string,
    readonly producer: Producer,
    readonly slot: ForwardSlot,
  ) {
    const video = producer.kind === 'video';
    this.sentSeqs = video ? new Uint32Array(SENT_MAP_SIZE) : null;
    this.sentLayers = video ? new Uint8Array(SENT_MAP_SIZE) : null;
    this.sentGenerations = video ? new Uint8Array(SENT_MAP_SIZE) : null;
  }

  forward(buf: Buffer, rtp: RtpView, vp8: Vp8View, layer: number, nowMs: number, absSendTimeOffset = -1): void {
    const slot = this.slot;
    if (!slot.open || this.paused) return;
    const video = this.producer.kind === 'video';
    if (layer !== this.currentLayer) {
      if (layer !== this.targetLayer) return;
      if (video && !vp8.isKeyframe) return;
      this.switchTo(layer, rtp, vp8, nowMs);
    }
    const seq = (rtp.sequenceNumber + this.seqOffset) & 0xffff;
    if (slot.hasSent && !seqNewer(seq, slot.lastSeq)) return;
    const ts = (rtp.timestamp + this.tsOffset) >>> 0;
    writeSequenceNumber(buf, seq);
    writeTimestamp(buf, ts);
    writeSsrc(buf, slot.ssrc);
    writePayloadType(buf, slot.payloadType);
    if (absSendTimeOffset >= 0 && rtp.extProfile === ONE_BYTE_EXTENSION_PROFILE) {
      writeAbsSendTime(buf, absSendTimeOffset, nowMs);
      relabelOneByteExtension(buf, absSendTimeOffset, slot.absSendTimeId);
    }
    let pictureId = -1;
    let tl0 = -1;
    if (video && vp8.pictureIdOffset >= 0) {
      pictureId = (vp8.pictureId + this.pictureIdOffset) & 0x7fff;
      writeVp8PictureId(buf, vp8, pictureId);
      if (vp8.tl0PicIdxOffset >= 0) {
        tl0 = (vp8.tl0PicIdx + this.tl0Offset) & 0xff;
        writeVp8Tl0PicIdx(buf, vp8, tl0);
      }
    }
    if (!slot.send(buf, rtp.transportCcOffset, nowMs)) {
      this.sendErrors++;
      return;
    }
    if (slot.transportCc?.probing) slot.transportCc.probeFill(nowMs);
    const previousSeq = slot.hasSent ? slot.lastSeq : -1;
    this.packetsSent++;
    slot.hasSent = true;
    slot.lastSeq = seq;
    slot.lastTs = ts;
    if (pictureId >= 0) slot.lastPictureId = pictureId;
    if (tl0 >= 0) slot.lastTl0PicIdx = tl0;
    if (this.sentSeqs) {
      // Also map the numbers this packet skipped over (lost upstream): when the publisher's
      // retransmission reaches our history, the subscriber's NACK for them can be answered.
      const gap = previousSeq < 0 ? 0 : (seq - previousSeq - 1) & 0xffff;
      for (let k = gap < MAX_MAPPED_GAP ? gap : 0; k >= 0; k--) this.remember((seq - k) & 0xffff, (rtp.sequenceNumber - k) & 0xffff, layer);
    }
  }

  skip(layer: number, seq: number): void {
    if (layer !== this.currentLayer || !this.slot.hasSent) return;
    // Only an in-order skipped packet shifts the numbering; anything else would reorder.
    if (((seq + this.seqOffset) & 0xffff) === ((this.slot.lastSeq + 1) & 0xffff)) this.seqOffset = (this.seqOffset - 1) & 0xffff;
  }

  resync(layer: number): void {
    // Overload shed packets of this layer: wait for the keyframe that follows, and continue the
    // slot's numbering on it (switchTo), so the subscriber sees no gap and no broken frame.
    if (layer === this.currentLayer) this.currentLayer = -1;
  }

  private remember(outSeq: number, inSeq: number, layer: number): void {
    const i = outSeq & (SENT_MAP_SIZE - 1);
    this.sentSeqs![i] = ((outSeq << 16) | inSeq) >>> 0;
    this.sentLayers![i] = layer;
    this.sentGenerations![i] = this.generation & 0xff;
  }

  /** Continue the slot's numbering from where it stopped, whatever stream or layer it carried. */
  private switchTo(layer: number, rtp: RtpView, vp8: Vp8View, nowMs: number): void {
    const slot = this.slot;
    const video = this.producer.kind === 'video';
    const step = slot.switchTimestampStep ? slot.switchTimestampStep(video ? 90000 : 48000, nowMs) : video ? VIDEO_TS_STEP : AUDIO_TS_STEP;
    this.currentLayer = layer;
    this.seqOffset = (slot.lastSeq + 1 - rtp.sequenceNumber) & 0xffff;
    this.tsOffset = (slot.lastTs + step - rtp.timestamp) >>> 0;
    if (vp8.pictureIdOffset >= 0) this.pictureIdOffset = (slot.lastPictureId + 1 - vp8.pictureId) & 0x7fff;
    if (vp8.tl0PicIdxOffset >= 0) this.tl0Offset = (slot.lastTl0PicIdx + 1 - vp8.tl0PicIdx) & 0xff;
    this.generation = (this.generation + 1) & 0xff;
    const g = this.generation % GENERATIONS;
    this.generationTsOffsets[g] = this.tsOffset;
    this.generationPictureIdOffsets[g] = this.pictureIdOffset;
    this.generationTl0Offsets[g] = this.tl0Offset;
  }

  /** Answers a NACK: each lost packet still in the history goes out again as RTX. */
  onNack(pid: number, blp: number, nowMs: number): void {
    const budget = this.slot.transportCc;
    if (budget !== null && !budget.allowRetransmission(nowMs)) return;
    this.retransmit(pid, nowMs);
    for (let bit = 0; bit < 16; bit++) {
      if ((blp & (1 << bit)) === 0) continue;
      if (budget !== null && !budget.allowRetransmission(nowMs)) return;
      this.retransmit((pid + bit + 1) & 0xffff, nowMs);
    }
  }

  /** Sends packet `outSeq` (our numbering) again as RTX; returns the bytes sent (0 if it can't). */
  retransmit(outSeq: number, nowMs: number): number {
    const slot = this.slot;
    if (!this.sentSeqs || !slot.open || slot.rtxSsrc === 0) return 0;
    const i = outSeq & (SENT_MAP_SIZE - 1);
    const entry = this.sentSeqs[i]!;
    if (entry >>> 16 !== outSeq) return 0;
    const age = (this.generation - this.sentGenerations![i]! + 256) & 0xff;
    if (age >= GENERATIONS) return 0;
    const g = this.sentGenerations![i]! % GENERATIONS;
    const length = this.producer.copyFromHistory(this.sentLayers![i]!, entry & 0xffff, nowMs, historyPacket);
    if (length === 0 || !parseRtp(historyPacket, length, historyView)) return 0;
    const rtxLength = buildRtx(rtxPacket, historyPacket, historyView, outSeq);
    if (rtxLength === 0) return 0;
    slot.rtxSeq = (slot.rtxSeq + 1) & 0xffff;
    writeSequenceNumber(rtxPacket, slot.rtxSeq);
    writeTimestamp(rtxPacket, (historyView.timestamp + this.generationTsOffsets[g]!) >>> 0);
    writeSsrc(rtxPacket, slot.rtxSsrc);
    writePayloadType(rtxPacket, slot.rtxPayloadType);
    if (parseVp8(rtxPacket, historyView.payloadOffset + 2, historyView.payloadLength, historyVp8) && historyVp8.pictureIdOffset >= 0) {
      writeVp8PictureId(rtxPacket, historyVp8, (historyVp8.pictureId + this.generationPictureIdOffsets[g]!) & 0x7fff);
      if (historyVp8.tl0PicIdxOffset >= 0) writeVp8Tl0PicIdx(rtxPacket, historyVp8, (historyVp8.tl0PicIdx + this.generationTl0Offsets[g]!) & 0xff);
    }
    const absId = this.producer.absSendTimeExtensionId;
    if (absId > 0 && historyView.extProfile === ONE_BYTE_EXTENSION_PROFILE) {
      const offset = findFixedHeaderExtension(rtxPacket, historyView, absId, 3);
      if (offset >= 0) {
        writeAbsSendTime(rtxPacket, offset, nowMs);
        relabelOneByteExtension(rtxPacket, offset, slot.absSendTimeId);
      }
    }
    const twccId = this.producer.transportCcExtensionId;
    const twccOffset = twccId > 0 && historyView.extProfile === ONE_BYTE_EXTENSION_PROFILE ? findFixedHeaderExtension(rtxPacket, historyView, twccId, 2) : -1;
    if (!slot.send(rtxPacket.subarray(0, rtxLength), twccOffset, nowMs)) return 0;
    this.retransmissions++;
    return rtxLength;
  }

  /** Probing: one RTX copy of a recently sent packet (cycling through the last eight). */
  sendProbe(nowMs: number): number {
    if (!this.slot.hasSent) return 0;
    for (let tries = 0; tries < 4; tries++) {
      this.probeCursor = (this.probeCursor + 1) & 7;
      const bytes = this.retransmit((this.slot.lastSeq - this.probeCursor) & 0xffff, nowMs);
      if (bytes > 0) return bytes;
    }
    return 0;
  }

  /** Re-evaluates which layer to aim for; asks for a keyframe when a switch is pending. */
  update(nowMs: number): void {
    if (this.closed) return;
    if (this.producer.kind === 'audio') {
      this.targetLayer = 0;
      return;
    }
    if (this.allocatedLayer < 0) {
      // No layer is live (the allocator never pauses one that is): the publisher stalled. Keep the
      // current layer, so media that resumes on it flows on at once; resetting it made the
      // subscriber wait for the next allocation round and a keyframe (~2 s freezes in the lab).
      this.targetLayer = -1;
      return;
    }
    const target = this.producer.pickLayer(Math.min(this.preferredLayer, this.allocatedLayer), nowMs);
    this.targetLayer = target;
    // Before the slot opens a keyframe would be dropped here, and the encoder would then ignore
    // the next request for 300 ms: ask only once the subscriber can receive it. Fast start: a
    // keyframe recent enough that the request would be ignored anyway is replayed from history.
    if (target < 0 || target === this.currentLayer || !this.slot.open) return;
    if (!this.paused && this.producer.replayLayer(target, nowMs, this) > 0 && this.currentLayer === target) {
      this.fastStarts++;
      return;
    }
    this.producer.requestKeyframe(target, nowMs);
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

  /**
   * The slot opens in a moment (DTLS after ICE): ask for the keyframe now, so that it arrives about
   * when the slot opens and is replayed then (fast start) instead of asked for only then. The
   * producer's throttle keeps a join storm to one request per layer.
   */
  onTransportConnecting(nowMs: number): void {
    if (this.closed || this.paused || this.producer.kind !== 'video' || this.allocatedLayer < 0 || this.slot.open) return;
    const target = this.producer.pickLayer(Math.min(this.preferredLayer, this.allocatedLayer), nowMs);
    if (target >= 0 && target !== this.currentLayer) this.producer.requestKeyframe(target, nowMs);
  }

  setPreferredLayer(layer: number, nowMs: number): void {
    this.preferredLayer = layer;
    this.update(nowMs);
  }

  /** Pause or resume; a resumed stream restarts its numbering (and video waits for a keyframe). */
  setPaused(paused: boolean, nowMs: number): void {
    if (paused === this.paused) return;
    this.paused = paused;
    this.currentLayer = -1;
    this.update(nowMs);
  }

  setAllocatedLayer(layer: number, nowMs: number): void {
    if (layer === this.allocatedLayer) return;
    this.allocatedLayer = layer;
    this.update(nowMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.producer.removeConsumer(this);
    if (this.slot.consumer === this) this.slot.consumer = null;
  }
}
