// Shapes of the egress feature: jobs, the output seam ffmpeg writes through, and what the rest of
// the server asks of egress (signaling and REST call EgressControl).
import type { CompositeConfig, EgressKind, EgressStateInfo, RtmpOutput } from '@roomkit/protocol';

export type { CompositeConfig, EgressKind };

/**
 * One destination of a job's ffmpeg. Every job encodes once and writes all its outputs through
 * ffmpeg's `tee` muxer, so an output is a tee slave: `[f=mp4:movflags=...]/path/file.mp4`,
 * `[f=flv:onfail=ignore]rtmp://host/app/key`, `[f=hls:hls_time=2:...]/dir/index.m3u8`.
 * Escape `|`, `[`, `]`, `:` and `\` inside option values and paths as the tee muxer wants.
 */
export interface EgressOutput {
  /** For logs and failure reports (never a stream key). */
  readonly name: string;
  /** The tee slave spec (see above). `onfail=ignore` makes a dying slave not stop the others. */
  teeSlave(): string;
  /** Runs before ffmpeg starts (create directories); a throw fails the job's start. */
  prepare?(): Promise<void>;
  /** Every line ffmpeg writes to stderr (e.g. "Slave muxer #1 failed", "Opening '...ts'"). */
  onFfmpegLine?(line: string): void;
  /** After ffmpeg exited (cleanly or not): finalize (playlists, sizes). Must not throw. */
  finish?(outcome: JobOutcome): Promise<void>;
}

/** How a job ended. */
export interface JobOutcome {
  reason: 'stopped' | 'meeting-ended' | 'shutdown' | 'failed';
  /** Set when reason is 'failed': what died and why, for the `*_FAILED` event. */
  error?: string;
  /** Wall-clock media duration the job produced, in seconds (approximate). */
  durationSeconds: number;
}

export interface StartJobParams {
  roomId: string;
  kind: EgressKind;
  config: CompositeConfig;
  outputs: EgressOutput[];
  /**
   * Restrict the composite to one participant (participant recordings); absent: the whole room.
   * `kinds` narrows it further to some of their streams (track recordings).
   */
  only?: { participantId: string; kinds?: ('audio' | 'video' | 'share' | 'shareAudio')[] };
  /**
   * Force ffmpeg to re-encode video with libx264 at a fixed GOP of `gopSeconds` (HLS needs
   * keyframes on segment boundaries). Default: copy the compositor's H.264 when it has it.
   */
  transcode?: { gopSeconds: number };
  /** Extra ffmpeg output options placed before `-f tee` (rarely needed). */
  extraOutputArgs?: string[];
}

export interface JobHandlers {
  /** First media reached ffmpeg: the job is live (→ *_STARTED). */
  onStarted?(): void;
  /** The job is over, for any reason (→ *_STOPPED, and *_FAILED first when outcome.reason is 'failed'). */
  onEnded?(outcome: JobOutcome): void;
}

/** A running composite job (recording, RTMP, HLS), whichever compositor draws it. */
export interface CompositeJobHandle {
  readonly id: string;
  readonly kind: EgressKind;
  readonly roomId: string;
  /** Processes the job runs (encoder, decoders or browser), for benchmarks and leak checks. */
  readonly pids: number[];
  readonly ended: boolean;
  /** Resolves when the job has fully ended (processes gone, outputs finished). */
  readonly done: Promise<JobOutcome>;
  stop(reason?: 'stopped' | 'meeting-ended' | 'shutdown'): Promise<JobOutcome>;
}

/** What signaling and REST ask of egress; EgressService implements it. */
export interface EgressControl {
  start(request: EgressStartRequest): Promise<{ id: string }>;
  stop(roomId: string, kind: EgressKind, by?: string): Promise<void>;
  /** States not STOPPED, for a joiner (JoinResult.egress). */
  states(roomId: string): EgressStateInfo[];
}

export interface EgressStartRequest {
  roomId: string;
  kind: EgressKind;
  config?: CompositeConfig;
  webhookUrl?: string;
  awsDirPath?: string;
  outputs?: RtmpOutput[];
  /** Who asked (participant id) or 'api'. */
  by?: string;
  /**
   * `operator` (REST with an operator token, config): its webhookUrl and RTMP destinations are
   * trusted. Anything else, absent included, is a participant's: they must not reach private,
   * loopback, link-local or reserved addresses (webhooks/OutboundPolicy.ts).
   */
  origin?: 'operator' | 'participant';
}
