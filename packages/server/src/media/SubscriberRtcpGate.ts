// Caps the RTCP work one subscriber can cause: a token bucket of RTCP packets per subscriber
// transport (all its slots share it). A browser sends a few dozen per second (transport-cc feedback
// every 50-100 ms, receiver reports, NACKs under loss, PLIs), and with BUNDLE the same compound may
// be delivered once per slot; the bucket leaves that ample room and drops (and counts) the rest,
// so a flood of crafted RTCP from one subscriber cannot pin a media worker.
import { parseRtcp, type RtcpHandler } from './rtp/rtcp.js';
import { mediaCounters } from './mediaCounters.js';

/** Sustained RTCP packets per second per subscriber transport, and the burst on top. */
export const RTCP_PACKETS_PER_SECOND = 1000;
export const RTCP_BURST = 200;

export class SubscriberRtcpGate {
  private tokens: number;
  private refilledAtMs = Number.NEGATIVE_INFINITY;
  processed = 0;
  dropped = 0;

  constructor(
    private readonly ratePerSecond = RTCP_PACKETS_PER_SECOND,
    private readonly burst = RTCP_BURST,
  ) {
    this.tokens = burst;
  }

  /** Takes one packet's token; false (counted as dropped) when the budget is spent. */
  admit(nowMs: number): boolean {
    if (this.refilledAtMs === Number.NEGATIVE_INFINITY) this.refilledAtMs = nowMs;
    const elapsed = nowMs - this.refilledAtMs;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      this.refilledAtMs = nowMs;
    }
    if (this.tokens < 1) {
      this.dropped++;
      mediaCounters.rtcpDropped++;
      return false;
    }
    this.tokens -= 1;
    this.processed++;
    return true;
  }

  /** Parses `packet` into `handler` if the budget allows; returns whether it was parsed. */
  handle(packet: Uint8Array, handler: RtcpHandler, nowMs: number): boolean {
    if (!this.admit(nowMs)) return false;
    parseRtcp(packet, packet.length, handler);
    return true;
  }
}
