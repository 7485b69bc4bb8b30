// What the meeting core does with each server event: the ServerEventHandlers table, complete by
// type. Media events go to the platform (MeetingMedia); everything else is bookkeeping here.
import { decodeDataPayload } from './protocolRuntime.js';
import type { ServerEventHandlers } from './serverEvents.js';
import type { ParticipantInfo } from '@roomkit/protocol';
import type { EgressClient } from './EgressClient.js';
import type { Moderation } from './Moderation.js';
import type { PinState } from './ParticipantBase.js';
import type { PubSub } from './PubSub.js';
import type { RealtimeStore } from './protocolRuntime.js';
import type { AnyParticipant, CoreMeetingEvents, LeaveInfo, MeetingMedia } from './coreTypes.js';

/** The parts of MeetingCore the table uses (some are protected there: the core passes itself). */
interface TableHost {
  readonly localParticipant: AnyParticipant;
  readonly remotes: Map<string, AnyParticipant>;
  readonly platformMedia: MeetingMedia<AnyParticipant>;
  readonly egress: EgressClient;
  readonly moderation: Moderation;
  readonly pubSub: PubSub;
  readonly realtimeStore: RealtimeStore;
  activeSpeakerId: string | null;
  activePresenterId: string | null;
  emitCore<E extends keyof CoreMeetingEvents<AnyParticipant>>(event: E, ...args: CoreMeetingEvents<AnyParticipant>[E]): void;
  addParticipant(info: ParticipantInfo): AnyParticipant;
  removeParticipant(p: AnyParticipant): void;
  participantById(id: string): AnyParticipant | undefined;
  applyPin(p: AnyParticipant, state: PinState, pinnedBy: string): void;
  finish(info: LeaveInfo): void;
}

export function serverEventTable(m: TableHost): ServerEventHandlers {
  return {
    participantJoined: (ev) => {
      if (ev.participant.id === m.localParticipant.id) return;
      m.emitCore('participant-joined', m.addParticipant(ev.participant));
    },
    participantLeft: (ev) => {
      const p = m.remotes.get(ev.participantId);
      if (!p) return;
      m.removeParticipant(p);
      m.emitCore('participant-left', p, { reason: ev.reason.code, message: ev.reason.message });
    },
    participantModeChanged: (ev) => {
      const local = ev.participantId === m.localParticipant.id;
      const p = local ? m.localParticipant : m.remotes.get(ev.participantId);
      if (!p) return;
      if (local) m.platformMedia.setReceiving(ev.mode !== 'SIGNALLING_ONLY');
      p.mode = ev.mode;
      m.emitCore('participant-mode-changed', { participantId: p.id, mode: ev.mode });
    },
    streamEnabled: (ev) => m.platformMedia.streamEnabled(ev),
    streamDisabled: (ev) => m.platformMedia.streamDisabled(ev),
    subscriberOffer: (ev) => m.platformMedia.subscriberOffer(ev),
    consume: (ev) => m.platformMedia.consume(ev),
    speakerChanged: (ev) => {
      m.activeSpeakerId = ev.participantId;
      m.emitCore('speaker-changed', ev.participantId);
    },
    videoQualityChanged: (ev) => {
      m.remotes.get(ev.participantId)?._receivedQuality(ev.quality);
    },
    presenterChanged: (ev) => {
      m.activePresenterId = ev.participantId;
      m.emitCore('presenter-changed', ev.participantId);
    },
    pinStateChanged: (ev) => {
      const p = m.participantById(ev.participantId);
      if (p) m.applyPin(p, ev.state, ev.pinnedBy);
    },
    pubsubMessage: (ev) => m.pubSub._deliver(ev.message),
    realtimeStoreChanged: (ev) => m.realtimeStore._deliver(ev.key, ev.value, ev.updatedBy),
    data: (ev) => {
      m.emitCore('data', { from: ev.from, timestamp: ev.timestamp, payload: decodeDataPayload(ev), reliability: ev.reliability });
    },
    meetingLeft: (ev) => m.finish({ reason: ev.reason.code, message: ev.reason.message }),
    // The server rebuilt this meeting's media: receive anew, and publish everything again.
    mediaReset: () => m.platformMedia.mediaReset(),
    entryRequested: (ev) => m.moderation.onEvent(ev),
    entryResponded: (ev) => m.moderation.onEvent(ev),
    mediaDisabledByModerator: (ev) => m.moderation.onEvent(ev),
    mediaRequested: (ev) => m.moderation.onEvent(ev),
    egressState: (ev) => m.egress.onEvent(ev),
    error: (ev) => m.emitCore('error', { code: ev.error.code, message: ev.error.message }),
  };
}
