// A plain-RTP tap: forwards one producer at a time (audio, or video at its best live simulcast
// layer, switching at keyframes) as plain RTP over UDP to a local recorder (ffmpeg reading an SDP).
// It reuses the Consumer's rewriting, so sequence numbers and timestamps stay continuous across
// layers and sources, and sends a sender report (RTCP SR) every second and after every pause, so
// the recorder can put a participant's audio and video on one clock. A video packet lost upstream
// makes it ask the publisher for a keyframe (the recorder cannot NACK). Packets go from the process
// that owns the producer straight to the recorder: with media workers, never through IPC.
import { createSocket, type Socket } from 'node:dgram';
import { Consumer } from './Consumer.js';
import type { Producer } from './Producer.js';
import type { ForwardSlot, SlotConsumer } from './SubscriberSlot.js';
import { writeSenderReport } from './rtp/rtcp.js';
import { ntpFraction, ntpSeconds } from './rtp/ntp.js';
import type { LayerIndex, MediaKind } from './types.js';

/** Copies of outgoing packets: a queued UDP send keeps its buffer, which the next consumer rewrites. */
const RING_SIZE = 32;
const REPORT_INTERVAL_MS = 1000;
/** A send gap this long (a source change, a paused camera) gets a sender report before the next packet. */
const PAUSE_MS = 200;

const randomU32 = () => (Math.random() * 0xfffffff0 + 1) >>> 0;

/** The output side of a tap: one UDP socket connected to the recorder's port. */
export class RtpTapSlot implements ForwardSlot {
  open = false;
  hasSent = false;
  lastSeq = (Math.random() * 0x7fff) | 0;
  lastTs = randomU32();
  lastPictureId = (Math.random() * 0x7fff) | 0;
  lastTl0PicIdx = 0;
  rtxSeq = 0;
  absSendTimeId = 2;
  consumer: SlotConsumer | null = null;
  /** A recorder on loopback gives no congestion feedback. */
  readonly transportCc = null;
  readonly rtxSsrc = 0;
  readonly rtxPayloadType = 0;
  readonly ssrc = randomU32();
  packets = 0;
  sendErrors = 0;
  private octets = 0;
  private lastSendMs = -1e9;
  private lastReportMs = -1e9;
  private ringIndex = 0;
  private readonly ring = Array.from({ length: RING_SIZE }, () => Buffer.alloc(1500));
  private readonly clockRate: number;

  constructor(
    readonly kind: MediaKind,
    readonly payloadType: number,
    private readonly socket: Socket,
  ) {
    this.clockRate = kind === 'video' ? 90000 : 48000;
  }

  send(buf: Buffer): boolean {
    if (!this.open || buf.length > 1500) return false;
    const now = performance.now();
    const ts = buf.readUInt32BE(4);
    // A hole in the numbering is a packet lost upstream (padding is renumbered away). Subscribers
    // NACK it; ffmpeg cannot, and its VP8 depacketizer then waits for the next keyframe, which a
    // browser sends only when asked: ask now.
    if (this.kind === 'video' && this.hasSent && buf.readUInt16BE(2) !== ((this.lastSeq + 1) & 0xffff)) this.consumer?.onKeyframeRequest(now);
    if (now - this.lastSendMs >= PAUSE_MS || now - this.lastReportMs >= REPORT_INTERVAL_MS) this.sendReport(ts, now);
    const copy = this.ring[this.ringIndex]!;
    this.ringIndex = (this.ringIndex + 1) % RING_SIZE;
    buf.copy(copy, 0, 0, buf.length);
    try {
      this.socket.send(copy, 0, buf.length);
    } catch {
      this.sendErrors++;
      return false;
    }
    this.lastSendMs = now;
    this.packets++;
    this.octets += buf.length - 12;
    return true;
  }

  /** After a pause the timeline moves on by the time that passed, so the file keeps the pause. */
  switchTimestampStep(clockRate: number, nowMs: number): number {
    const frame = clockRate === 90000 ? 3000 : 960;
    if (!this.hasSent) return frame;
    return Math.max(frame, Math.round(((nowMs - this.lastSendMs) * clockRate) / 1000));
  }

  /** Maps RTP timestamp `ts` to the wall clock now (the packet carrying it leaves now). */
  private sendReport(ts: number, nowMs: number): void {
    const wallMs = performance.timeOrigin + nowMs;
    const report = this.ring[this.ringIndex]!;
    this.ringIndex = (this.ringIndex + 1) % RING_SIZE;
    const length = writeSenderReport(report, 0, this.ssrc, ntpSeconds(wallMs), ntpFraction(wallMs), ts, this.packets >>> 0, this.octets >>> 0);
    try {
      this.socket.send(report, 0, length);
      this.lastReportMs = nowMs;
    } catch {
      this.sendErrors++;
    }
  }
}

export class RtpTap {
  private consumer: Consumer | null = null;
  private sources = 0;

  private constructor(
    readonly id: string,
    readonly slot: RtpTapSlot,
    private readonly socket: Socket,
    /** The highest simulcast layer forwarded (a small composite tile needs no more). */
    private readonly maxLayer: LayerIndex,
  ) {}

  /** A tap sending `kind` to 127.0.0.1:`port` with `payloadType` (what the recorder's SDP says). */
  static async open(id: string, kind: MediaKind, port: number, payloadType: number, maxLayer: LayerIndex = 2): Promise<RtpTap> {
    const socket = createSocket('udp4');
    // Nobody listening (the recorder not up yet, or gone) shows up as ECONNREFUSED: not our problem.
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const slot = new RtpTapSlot(kind, payloadType, socket);
    slot.open = true;
    return new RtpTap(id, slot, socket, maxLayer);
  }

  get producer(): Producer | null {
    return this.consumer?.producer ?? null;
  }

  /** Forward `producer` from its next keyframe (asked for now); replaces any previous source. */
  attach(producer: Producer, nowMs: number): void {
    if (producer.kind !== this.slot.kind) throw new Error(`tap ${this.id} carries ${this.slot.kind}, not ${producer.kind}`);
    this.detach();
    const consumer = new Consumer(`${this.id}#${this.sources++}`, producer, this.slot);
    consumer.preferredLayer = this.maxLayer;
    this.slot.consumer = consumer;
    this.consumer = consumer;
    producer.consumers.push(consumer);
    consumer.onSlotOpen(nowMs);
  }

  detach(): void {
    this.consumer?.close();
    this.consumer = null;
  }

  /** Periodic: keeps aiming at the best live layer and asks for keyframes while switching. */
  update(nowMs: number): void {
    this.consumer?.update(nowMs);
  }

  close(): void {
    this.detach();
    this.slot.open = false;
    try {
      this.socket.close();
    } catch {
      // already closed
    }
  }
}
