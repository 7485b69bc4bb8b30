// A participant as the server sees it: identity, what it publishes, what it consumes.
import type { Mode, ParticipantInfo, Quality, StreamKind } from '@roomkit/protocol';
import type { ParticipantSink, PublishedStream } from './types.js';

export class Participant {
  readonly streams = new Map<StreamKind, PublishedStream>();
  /** streamId → consumerId of the remote streams this participant receives. */
  readonly consumers = new Map<string, string>();
  /** Preferred video quality per remote participant (setQuality). */
  readonly qualityByPublisher = new Map<string, Quality>();
  readonly pubsubTopics = new Set<string>();
  subscriberTransportId: string | null = null;
  left = false;
  /** An egress compositor (see JoinParams.hidden). */
  hidden = false;

  constructor(
    readonly id: string,
    readonly displayName: string,
    readonly mode: Mode,
    readonly metaData: Record<string, unknown> | null,
    readonly permissions: readonly string[],
    readonly sink: ParticipantSink,
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
      streams: [...this.streams.values()].map((s) => ({ id: s.id, kind: s.kind, codec: s.codec })),
    };
  }
}
