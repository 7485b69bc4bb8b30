// The call quality score, MOS-like (1 bad .. 5 excellent), per sample. Definitions (also in the
// server README, "Call quality"):
//
// Audio: ITU-T G.107 E-model, simplified as is usual for VoIP monitoring:
//   effective latency Le = RTT/2 + 2 x jitter + 10 ms (codec)
//   R = 93.2 - (Le < 160 ? Le / 40 : (Le - 120) / 10) - 2.5 x loss%        clamped to 0..100
//   MOS = 1 + 0.035 R + 7e-6 R (R - 60) (100 - R)                          (4.41 at best)
//
// Video: the product of factors 0..1 mapped onto 1..5 (MOS = 1 + 4 x Q):
//   loss  = max(0, 1 - loss% / 15)               (5 % -> 0.67: artifacts, NACK round trips, freezes)
//   delay = Le < 150 ? 1 : max(0.5, 1 - (Le - 150) / 700)        (Le as above)
//   rate  = min(1, 0.5 + 0.5 x bitrate / target) (target: 500 kbps camera, 300 kbps screen; only
//           when the bitrate is known)
//   fps   = min(1, framerate / 24)               (only when the SDK reported a frame rate)
//
// Unknown RTT counts as 0, unknown jitter as 0: a score never invents an impairment.

export interface ImpairmentInput {
  lossPct: number;
  rttMs?: number | null;
  jitterMs?: number | null;
}

export interface VideoInput extends ImpairmentInput {
  bitrateBps?: number | null;
  targetBps?: number;
  framesPerSecond?: number | null;
}

export const VIDEO_TARGET_BPS = 500_000;
export const SCREEN_TARGET_BPS = 300_000;
const TARGET_FPS = 24;

const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);
const round2 = (v: number) => Math.round(v * 100) / 100;

export function effectiveLatencyMs(input: ImpairmentInput): number {
  return Math.max(0, input.rttMs ?? 0) / 2 + 2 * Math.max(0, input.jitterMs ?? 0) + 10;
}

/** E-model R factor of an audio stream (0..93.2). */
export function audioRFactor(input: ImpairmentInput): number {
  const le = effectiveLatencyMs(input);
  const delayImpairment = le < 160 ? le / 40 : (le - 120) / 10;
  return clamp(93.2 - delayImpairment - 2.5 * clamp(input.lossPct, 0, 100), 0, 100);
}

export function audioMos(input: ImpairmentInput): number {
  const r = audioRFactor(input);
  return round2(clamp(1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r), 1, 5));
}

export function videoMos(input: VideoInput): number {
  const le = effectiveLatencyMs(input);
  const loss = Math.max(0, 1 - clamp(input.lossPct, 0, 100) / 15);
  const delay = le < 150 ? 1 : Math.max(0.5, 1 - (le - 150) / 700);
  const target = input.targetBps ?? VIDEO_TARGET_BPS;
  const rate = input.bitrateBps != null && input.bitrateBps >= 0 ? Math.min(1, 0.5 + (0.5 * input.bitrateBps) / target) : 1;
  const fps = input.framesPerSecond != null && input.framesPerSecond >= 0 ? Math.min(1, input.framesPerSecond / TARGET_FPS) : 1;
  return round2(clamp(1 + 4 * loss * delay * rate * fps, 1, 5));
}
