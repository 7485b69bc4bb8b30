// Forwarding delay, measured inside this one process: the synthetic video sender is wrapped so
// every packet it builds is stamped with performance.now() (keyed by its last 8 payload bytes,
// which neither SFU rewrites: they rewrite SSRC, sequence number, timestamp and the VP8 picture
// id at the front), and each subscriber looks the key up when the packet arrives. The delay is
// SRTP + the server + SRTP decrypt + this process's event loop, on one clock, no RTP-clock guessing.
import { VideoLayerSender } from '../../packages/node-client/src/media/VideoLayerSender.js';

const sentAt = new Map<number, number>();
let patched = false;
let lastPrune = 0;

function key(buf: Buffer): number {
  const n = buf.length;
  if (n < 20) return -1;
  return buf.readUInt32BE(n - 4) * 0x200000 + (buf.readUInt32BE(n - 8) & 0x1fffff);
}

/** Wraps VideoLayerSender.nextFrame (the same module the node client sends with) once. */
export function installSendStamps(): void {
  if (patched) return;
  patched = true;
  const original = VideoLayerSender.prototype.nextFrame;
  VideoLayerSender.prototype.nextFrame = function (this: VideoLayerSender, slot: number, frameRate: number): Buffer[] {
    const packets = original.call(this, slot, frameRate);
    const now = performance.now();
    for (const p of packets) sentAt.set(key(p), now);
    if (now - lastPrune > 2000) {
      lastPrune = now;
      // The synthetic file loops every 10 s (same bytes again): keep only the last 4 s of stamps.
      for (const [k, t] of sentAt) if (now - t > 4000) sentAt.delete(k);
    }
    return packets;
  };
}

/** Collects delays (ms) of arriving video packets while `recording` is on. */
export class DelayRecorder {
  samples: number[] = [];
  recording = false;
  unmatched = 0;

  onVideoPacket(buf: Buffer): void {
    if (!this.recording) return;
    const t = sentAt.get(key(buf));
    if (t === undefined) {
      this.unmatched++;
      return;
    }
    if (this.samples.length < 2_000_000) this.samples.push(performance.now() - t);
  }
}
