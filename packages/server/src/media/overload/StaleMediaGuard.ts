// Bounds forwarding delay when this thread cannot keep up. node-datachannel hands us packets from an
// unbounded queue: a busy JS thread does not lose packets, it falls behind. Each packet's lateness is
// how much later than usual it reaches us compared to when the publisher sent it — its abs-send-time
// when it carries one (browsers do), else its RTP timestamp (capture time):
//   transit  = arrival (ms) - send time (ms)          (unknown constant offset, cancels out)
//   baseline = min(transit) over the last 5-10 s       (the least-delayed recent packet)
//   lateness = transit - baseline
// A queue inside this process adds to every packet's transit; network jitter and the publisher's
// pacer add some too, so thresholds sit well above them. Stale video is shed in whole frames from a
// frame start and resumes only at a keyframe (asked for once the backlog is gone), so a decoder never
// sees a broken frame; audio is kept much longer and shed packet by packet (Opus frames stand alone).
// Why abs-send-time first: a publisher whose encoder is starved of CPU, or whose own pacer holds
// frames on a narrow uplink, delivers media "late" against its capture time while this thread is
// idle; shedding that cannot shorten any queue, it only turns a late frame into a freeze until the
// next keyframe (seen in the network lab: 400-630 ms "lateness" with no tick of ours late).
// No allocation per packet: a few numbers per layer.

/** Video later than this over its baseline is shed (whole frames until the next keyframe). */
export const DEFAULT_MAX_VIDEO_LATENESS_MS = 400;
/** Audio later than this is shed (Janus drops anything older than about a second). */
export const DEFAULT_MAX_AUDIO_LATENESS_MS = 1000;
/** abs-send-time ticks (6.18 fixed-point seconds) per millisecond. */
const ABS_SEND_TIME_TICKS_PER_MS = 262.144;
/** The baseline is the minimum over two buckets of this length (5-10 s of history). */
const BUCKET_MS = 5000;
/**
 * Lateness grows by at most the wall time between two packets; more than this beyond it means the
 * sender's timestamps jumped back (a restart without an SSRC change): start a new baseline.
 */
const DISCONTINUITY_MS = 1000;
/**
 * While packets are this late the window does not move on: a backlog lasting longer than the
 * window would otherwise become the new baseline. Past MAX_HOLD_MS it moves anyway (a lasting
 * step in network delay must not be shed forever).
 */
const HOLD_ABOVE_MS = 100;
const MAX_HOLD_MS = 30_000;

export const enum Verdict {
  FORWARD = 0,
  DROP = 1,
  /** Forward, but this keyframe ends a shed: consumers must restart their numbering on it. */
  RESUME = 2,
}

const enum State {
  FORWARD = 0,
  /** Too late: shed from the next frame start (the frame in progress is finished). */
  SHED_PENDING = 1,
  SHEDDING = 2,
  /** Caught up: waiting for a keyframe to resume on (one has been asked for). */
  AWAIT_KEYFRAME = 3,
}

export interface StaleMediaLimits {
  /** 0: never shed video. */
  maxVideoLatenessMs: number;
  /** 0: never shed audio. */
  maxAudioLatenessMs: number;
}

export class StaleMediaGuard {
  /** Lateness of the last packet, and the highest since takePeak(). */
  latenessMs = 0;
  private peakMs = 0;
  /** Packets shed so far. */
  shed = 0;
  private state = State.FORWARD;
  private started = false;
  private lastTs = 0;
  /** RTP timestamp (or abs-send-time) unwrapped past 2^32 (2^24), in clock ticks. */
  private extTs = 0;
  /** Measuring against abs-send-time (true) or the RTP timestamp. */
  private usingSendTime = false;
  private lastArrival = 0;
  private lastTransit = 0;
  private bucketStart = 0;
  private currentMin = Infinity;
  private previousMin = Infinity;
  private readonly ticksPerMs: number;
  private readonly maxMs: number;
  private readonly resumeMs: number;

  constructor(
    clockRate: number,
    private readonly video: boolean,
    limits: StaleMediaLimits,
  ) {
    this.ticksPerMs = clockRate / 1000;
    this.maxMs = video ? limits.maxVideoLatenessMs : limits.maxAudioLatenessMs;
    // Hysteresis: resume once the backlog is mostly gone, not at the first packet under the limit.
    this.resumeMs = this.maxMs / 2;
  }

  /** True while video is being shed or waits for a keyframe: asking the publisher for one is useful only in the latter. */
  get shedding(): boolean {
    return this.state === State.SHEDDING || this.state === State.AWAIT_KEYFRAME;
  }

  /** Waiting for a keyframe to resume on: the producer keeps asking for one. */
  get wantsKeyframe(): boolean {
    return this.state === State.AWAIT_KEYFRAME;
  }

  /** Lateness is measured against abs-send-time (else against RTP timestamps). */
  get measuresSendTime(): boolean {
    return this.usingSendTime;
  }

  /** Highest lateness since the last call. */
  takePeak(): number {
    const peak = this.peakMs;
    this.peakMs = 0;
    return peak;
  }

  /**
   * Judges one packet. `startOfFrame`/`keyframe` are the VP8 descriptor's (ignored for audio);
   * `absSendTime` is the packet's 24-bit abs-send-time value, -1 when it has none.
   * Call it for every new packet in arrival order, not for retransmissions.
   */
  judge(rtpTimestamp: number, arrivalMs: number, startOfFrame: boolean, keyframe: boolean, absSendTime = -1): Verdict {
    const lateness = this.measure(rtpTimestamp, arrivalMs, absSendTime);
    if (this.maxMs <= 0) return Verdict.FORWARD;
    if (!this.video) {
      if (lateness <= this.maxMs) return Verdict.FORWARD;
      this.shed++;
      return Verdict.DROP;
    }
    switch (this.state) {
      case State.FORWARD:
        if (lateness <= this.maxMs) return Verdict.FORWARD;
        this.state = State.SHED_PENDING;
      // falls through: this packet may already start a frame
      case State.SHED_PENDING:
        if (!startOfFrame) return Verdict.FORWARD;
        this.state = State.SHEDDING;
      // falls through
      case State.SHEDDING:
        if (lateness < this.resumeMs) this.state = State.AWAIT_KEYFRAME;
        else break;
      // falls through: caught up, and this very packet may be the keyframe
      case State.AWAIT_KEYFRAME:
        if (lateness > this.maxMs) {
          this.state = State.SHEDDING;
          break;
        }
        if (keyframe) {
          this.state = State.FORWARD;
          return Verdict.RESUME;
        }
        break;
    }
    this.shed++;
    return Verdict.DROP;
  }

  private measure(rtpTimestamp: number, arrivalMs: number, absSendTime: number): number {
    const useSendTime = absSendTime >= 0;
    // A stream that starts or stops carrying abs-send-time changes clocks: start a new baseline.
    if (useSendTime !== this.usingSendTime) {
      this.usingSendTime = useSendTime;
      this.started = false;
      this.previousMin = Infinity;
    }
    const ts = useSendTime ? absSendTime : rtpTimestamp;
    const ticksPerMs = useSendTime ? ABS_SEND_TIME_TICKS_PER_MS : this.ticksPerMs;
    if (!this.started) {
      this.started = true;
      this.lastTs = ts;
      this.extTs = ts;
      this.lastArrival = arrivalMs;
      this.bucketStart = arrivalMs;
      const transit0 = arrivalMs - ts / ticksPerMs;
      this.lastTransit = transit0;
      this.currentMin = transit0;
      return 0;
    }
    // Signed difference: 32-bit for RTP timestamps, 24-bit (sign-extended) for abs-send-time.
    this.extTs += useSendTime ? ((ts - this.lastTs) << 8) >> 8 : (ts - this.lastTs) | 0;
    this.lastTs = ts;
    const transit = arrivalMs - this.extTs / ticksPerMs;
    if (transit - this.lastTransit > arrivalMs - this.lastArrival + DISCONTINUITY_MS) {
      this.previousMin = Infinity;
      this.currentMin = transit;
      this.bucketStart = arrivalMs;
    }
    this.lastArrival = arrivalMs;
    this.lastTransit = transit;
    const age = arrivalMs - this.bucketStart;
    if (age >= BUCKET_MS && (this.latenessMs < HOLD_ABOVE_MS || age >= MAX_HOLD_MS)) {
      this.previousMin = this.currentMin;
      this.currentMin = transit;
      this.bucketStart = arrivalMs;
    } else if (transit < this.currentMin) {
      this.currentMin = transit;
    }
    const baseline = this.currentMin < this.previousMin ? this.currentMin : this.previousMin;
    const lateness = transit - baseline;
    this.latenessMs = lateness;
    if (lateness > this.peakMs) this.peakMs = lateness;
    return lateness;
  }
}
