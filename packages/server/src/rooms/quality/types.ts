// Call quality samples as the rooms layer produces them; the store keeps them (see hooks).
import type { QualityFigures, QualityKind } from '@roomkit/protocol';

/** One direction of one kind over a sample interval; rttMs null when not measured. */
export type KindFigures = Omit<QualityFigures, 'rttMs'> & { rttMs: number | null };

export type FiguresByKind = Partial<Record<QualityKind, KindFigures>>;

export interface QualitySample {
  sessionId: string;
  roomId: string;
  participantId: string;
  at: Date;
  /** `server`: the server's own RTP/RTCP figures; `sdk`: the participant's getStats report. */
  source: 'server' | 'sdk';
  /** What the participant sends (as the server receives it) and receives (as it reports). */
  send: FiguresByKind;
  recv: FiguresByKind;
  audioScore: number | null;
  videoScore: number | null;
  /** sdk reports only: what the participant runs. */
  device?: { name: string; version: string };
  sdk?: { name: string; version: string };
}

/** Where samples go (the store). Must not throw; may drop. */
export interface QualitySink {
  record(samples: QualitySample[]): void;
}
