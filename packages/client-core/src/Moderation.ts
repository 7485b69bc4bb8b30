// Moderation and the waiting room on the client: moderator actions on remote participants, entry
// requests and answers, and the server telling us a moderator turned our media off or asks for it.
import type { ServerEvent } from '@roomkit/protocol';
import type { SignalingClient } from './SignalingClient.js';
import { RoomkitError } from './protocolRuntime.js';

export type ModerationAction = 'remove' | 'enableMic' | 'disableMic' | 'enableWebcam' | 'disableWebcam';

type ModerationEvent = Extract<ServerEvent, { t: 'entryRequested' | 'entryResponded' | 'mediaDisabledByModerator' | 'mediaRequested' }>;

export interface ModerationHost {
  signaling(): SignalingClient | null;
  localParticipantId(): string;
  emitEntryRequested(info: { participantId: string; name: string; allow(): void; deny(): void }): void;
  emitEntryResponded(info: { participantId: string; decision: 'allowed' | 'denied' }): void;
  emitMediaRequested(kind: 'audio' | 'video', info: { participantId: string; accept(): void; reject(): void }): void;
  /** Turn our own mic/camera off or on, as the user would. */
  setOwnMedia(kind: 'audio' | 'video', enabled: boolean): Promise<void>;
  reportError(err: unknown): void;
}

export class Moderation {
  constructor(private readonly host: ModerationHost) {}

  async moderate(participant: { readonly id: string }, action: ModerationAction): Promise<void> {
    const signaling = this.requireSignaling(`participant.${action}()`);
    if (action === 'remove') {
      await signaling.request({ t: 'removeParticipant', participantId: participant.id });
      return;
    }
    const kind = action === 'enableMic' || action === 'disableMic' ? 'audio' : 'video';
    const enabled = action === 'enableMic' || action === 'enableWebcam';
    await signaling.request({ t: 'setParticipantMedia', participantId: participant.id, kind, enabled });
  }

  async respondEntry(participantId: string, decision: 'allowed' | 'denied'): Promise<void> {
    await this.requireSignaling('respondEntry()').request({ t: 'respondEntry', participantId, decision });
  }

  /** Handles one moderation event from the server. */
  async onEvent(ev: ModerationEvent): Promise<void> {
    switch (ev.t) {
      case 'entryRequested': {
        const own = ev.participantId === this.host.localParticipantId();
        const answer = (decision: 'allowed' | 'denied') => () => {
          if (own) return;
          this.respondEntry(ev.participantId, decision).catch((err) => this.host.reportError(err));
        };
        this.host.emitEntryRequested({ participantId: ev.participantId, name: ev.name, allow: answer('allowed'), deny: answer('denied') });
        return;
      }
      case 'entryResponded':
        this.host.emitEntryResponded({ participantId: ev.participantId, decision: ev.decision });
        return;
      case 'mediaDisabledByModerator':
        await this.host.setOwnMedia(ev.kind, false);
        return;
      case 'mediaRequested': {
        let answered = false;
        const accept = () => {
          if (answered) return;
          answered = true;
          this.host.setOwnMedia(ev.kind, true).catch((err) => this.host.reportError(err));
        };
        const reject = () => {
          answered = true;
        };
        this.host.emitMediaRequested(ev.kind, { participantId: ev.byParticipantId, accept, reject });
        return;
      }
    }
  }

  private requireSignaling(action: string): SignalingClient {
    const signaling = this.host.signaling();
    if (!signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `${action} needs a joined meeting`);
    return signaling;
  }
}
