// Makes a worker's overload visible: the highest lateness of incoming media over the last second,
// packets shed by kind (kept across producers closing, so they only ever grow), and one warning at
// most every WARN_INTERVAL_MS while shedding goes on. Fed by the worker's 100 ms tick, never per packet.
import type { Producer } from '../Producer.js';

const WINDOW_TICKS = 10;
export const WARN_INTERVAL_MS = 5000;

export interface OverloadWarning {
  shedVideoPackets: number;
  shedAudioPackets: number;
  latenessMs: number;
  sinceMs: number;
}

export class OverloadMonitor {
  private readonly peaks = new Float64Array(WINDOW_TICKS);
  private slot = 0;
  private closedVideo = 0;
  private closedAudio = 0;
  private liveVideo = 0;
  private liveAudio = 0;
  private lastWarnMs = -Infinity;
  private warnedVideo = 0;
  private warnedAudio = 0;

  constructor(private readonly warn: (warning: OverloadWarning) => void) {}

  /** A producer is going away: keep what it shed in the totals. */
  onProducerClosed(producer: Producer): void {
    if (producer.kind === 'video') this.closedVideo += producer.packetsShed;
    else this.closedAudio += producer.packetsShed;
  }

  /** Each tick: the lateness peaks since the last tick, the live counts, and maybe a warning. */
  tick(producers: Iterable<Producer>, nowMs: number): void {
    let peak = 0;
    let video = 0;
    let audio = 0;
    for (const producer of producers) {
      const p = producer.takeLatenessPeak();
      if (p > peak) peak = p;
      if (producer.kind === 'video') video += producer.packetsShed;
      else audio += producer.packetsShed;
    }
    this.peaks[this.slot] = peak;
    this.slot = (this.slot + 1) % WINDOW_TICKS;
    this.liveVideo = video;
    this.liveAudio = audio;
    const shedVideo = this.shedVideoPackets;
    const shedAudio = this.shedAudioPackets;
    if ((shedVideo > this.warnedVideo || shedAudio > this.warnedAudio) && nowMs - this.lastWarnMs >= WARN_INTERVAL_MS) {
      this.warn({
        shedVideoPackets: shedVideo - this.warnedVideo,
        shedAudioPackets: shedAudio - this.warnedAudio,
        latenessMs: Math.round(this.latenessMs),
        sinceMs: Number.isFinite(this.lastWarnMs) ? Math.round(nowMs - this.lastWarnMs) : 0,
      });
      this.lastWarnMs = nowMs;
      this.warnedVideo = shedVideo;
      this.warnedAudio = shedAudio;
    }
  }

  get shedVideoPackets(): number {
    return this.closedVideo + this.liveVideo;
  }

  get shedAudioPackets(): number {
    return this.closedAudio + this.liveAudio;
  }

  /** Highest lateness over the last second (ms). */
  get latenessMs(): number {
    let max = 0;
    for (let i = 0; i < WINDOW_TICKS; i++) if (this.peaks[i]! > max) max = this.peaks[i]!;
    return max;
  }
}
