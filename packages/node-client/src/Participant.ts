// A meeting participant (local or remote) in Node. Identity, streams, media flags, received
// quality, pins and moderation come from the core's ParticipantBase; Node adds pause events.
import type { Quality, StreamKind } from '@roomkit/protocol';
import { ParticipantBase } from '@roomkit/client-core';
import type { Stream } from './Stream.js';

export type ParticipantEvents = {
  'stream-enabled': [stream: Stream];
  'stream-disabled': [stream: Stream];
  'media-status-changed': [info: { kind: StreamKind; newStatus: boolean }];
  'video-quality-changed': [info: { currentQuality: Quality; prevQuality: Quality }];
  'stream-paused': [info: { kind: StreamKind; reason: 'manual' }];
  'stream-resumed': [info: { kind: StreamKind; reason: 'manual' }];
};

export class Participant extends ParticipantBase<Stream, ParticipantEvents> {
  /** @internal A remote stream's pause()/resume() reached the server. */
  _pauseChanged(kind: StreamKind, paused: boolean): void {
    this.safeEmit(paused ? 'stream-paused' : 'stream-resumed', { kind, reason: 'manual' });
  }
}
