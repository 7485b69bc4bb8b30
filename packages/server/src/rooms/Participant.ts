// A participant as the server sees it: identity, what it publishes, what it consumes.
import type { Mode, ParticipantInfo, Quality, StreamKind } from '@roomkit/protocol';
import type { PublishedStream } from './types.js';
import type { ResumableSink } from './ResumableSink.js';

/** What others learn about a published stream. */
export function streamInfo(s: PublishedStream): ParticipantInfo['streams'][number] {
  return { id: s.id, kind: s.kind, codec: s.codec, ...(s.width && s.height ? { width: s.width, height: s.height } : {}) };
}

export class Participant {
  readonly streams = new Map<StreamKind, PublishedStream>();
  /** streamId → consumerId of the remote streams this participant receives. */
  readonly consumers = new Map<string, string>();
  /** Preferred video quality per remote participant (setQuality). */
  readonly qualityByPublisher = new Map<string, Quality>();
  readonly pubsubTopics = new Set<string>();
  /** Realtime store keys whose changes this participant receives. */
  readonly observedKeys = new Set<string>();
  subscriberTransportId: string | null = null;
  left = false;
  /** The secret a reconnecting client presents in `resume` (see ResumableSink). */
  resumeToken = '';
  /** Set while the socket is gone and the reconnect grace period runs. */
  graceTimer: ReturnType<typeof setTimeout> | null = null;
  /** An egress compositor (see JoinParams.hidden). */
  hidden = false;
  /** Fingerprint of the token it joined with (JoinParams.credential). */
  credential: string | undefined;
  /**
   * While joining: the media side of consuming what others already published, started right
   * behind the subscriber transport (stream id → the slot's mid, null if it failed); consumeExisting
   * finishes them once the join response is out.
   */
  earlyConsumes: Map<string, Promise<string | null>> | null = null;
  /** When it was admitted (performance.now()), and whether its first media was timed since. */
  readonly admittedAtMs = performance.now();
  firstMediaTimed = false;

  constructor(
    readonly id: string,
    readonly displayName: string,
    public mode: Mode,
    readonly metaData: Record<string, unknown> | null,
    readonly permissions: readonly string[],
    readonly sink: ResumableSink,
  ) {}

  get canModerate(): boolean {
    return this.permissions.includes('allow_mod');
  }

  get receivesMedia(): boolean {
    return this.mode !== 'SIGNALLING_ONLY';
  }

  info(): ParticipantInfo {
    return {
      id: this.id,
      displayName: this.displayName,
      mode: this.mode,
      metaData: this.metaData,
      streams: [...this.streams.values()].map((s) => streamInfo(s)),
    };
  }
}
