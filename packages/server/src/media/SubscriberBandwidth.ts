// What one subscriber's downlink can carry, estimated from its receiver reports' loss, like the
// loss-based half of Google's congestion control. The browser's REMB (made possible by the
// abs-send-time we stamp) only lowers the estimate while loss confirms congestion: on a loaded
// machine its delay signal swings with CPU scheduling, and trusting it alone starves links that
// are fine.

const START_BPS = 2_500_000;
const MIN_BPS = 150_000;
const MAX_BPS = 20_000_000;
/** A REMB older than this no longer describes the link. */
const REMB_STALE_MS = 3000;
/** After a loss event, growth above the level that failed is cautious for this long, doubling with
 *  each failure at about the same level (an upgrade that keeps failing is tried less often). */
const CAUTION_MS = 5000;
const MAX_CAUTION_MS = 10_000;

export class SubscriberBandwidth {
  rembBps = 0;
  private rembAtMs = -1e9;
  private estimateBps = START_BPS;
  private ceilingBps = MAX_BPS;
  private ceilingAtMs = -1e9;
  private cautionMs = CAUTION_MS;
  /** Smoothed fraction of packets lost (0..1) from receiver reports. */
  loss = 0;
  private previousFraction = 0;

  onRemb(bitrateBps: number, nowMs: number): void {
    this.rembBps = bitrateBps;
    this.rembAtMs = nowMs;
  }

  /** One receiver report's fraction lost (0..1), with what we were sending at the time. */
  onLossReport(fraction: number, sendBps: number, nowMs: number): void {
    this.loss = this.loss * 0.5 + fraction * 0.5;
    // One lossy report is often a burst (a keyframe into a busy receiver); two in a row is the link.
    const sustained = fraction > 0.1 && this.previousFraction > 0.1;
    this.previousFraction = fraction;
    if (sustained) {
      const base = sendBps > 0 ? Math.min(this.estimateBps, sendBps) : this.estimateBps;
      this.estimateBps = Math.max(MIN_BPS, base * (1 - 0.5 * fraction));
      if (this.hasRemb(nowMs)) this.estimateBps = Math.max(MIN_BPS, Math.min(this.estimateBps, this.rembBps));
      const repeated = nowMs - this.ceilingAtMs < 3 * MAX_CAUTION_MS && Math.abs(this.estimateBps - this.ceilingBps) < 0.3 * this.ceilingBps;
      this.cautionMs = repeated ? Math.min(MAX_CAUTION_MS, this.cautionMs * 2) : CAUTION_MS;
      this.ceilingBps = this.estimateBps;
      this.ceilingAtMs = nowMs;
    } else if (fraction < 0.02) {
      const cautious = nowMs - this.ceilingAtMs < this.cautionMs && this.estimateBps >= this.ceilingBps;
      this.estimateBps = Math.min(MAX_BPS, this.estimateBps * (cautious ? 1.03 : 1.15) + 1000);
    }
  }

  hasRemb(nowMs: number): boolean {
    return nowMs - this.rembAtMs < REMB_STALE_MS;
  }

  /** What the subscriber's downlink is believed to carry now (bps). */
  get estimate(): number {
    return this.estimateBps;
  }
}
