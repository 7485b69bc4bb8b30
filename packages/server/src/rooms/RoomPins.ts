// Meeting-wide pins (VideoSDK `participant.pin(type)`): which participants' cameras and shares are
// pinned, for every participant's UI and for composite layouts with `priority: 'PIN'`.
import type { PinState, PinType } from '@roomkit/protocol';

export class RoomPins {
  private readonly pins = new Map<string, PinState>();

  /** Applies a pin or unpin; returns the participant's new state, or null if nothing changed. */
  set(participantId: string, type: PinType, pinned: boolean): PinState | null {
    const before = this.pins.get(participantId) ?? { cam: false, share: false };
    const next = { ...before };
    if (type !== 'SHARE') next.cam = pinned;
    if (type !== 'CAM') next.share = pinned;
    if (next.cam === before.cam && next.share === before.share) return null;
    if (next.cam || next.share) this.pins.set(participantId, next);
    else this.pins.delete(participantId);
    return { ...next };
  }

  /** The participant left: their pins go with them. */
  remove(participantId: string): void {
    this.pins.delete(participantId);
  }

  /** Pinned participants, in the order they were first pinned. */
  list(): Array<{ participantId: string; state: PinState }> {
    return [...this.pins].map(([participantId, state]) => ({ participantId, state: { ...state } }));
  }

  /** Ids of participants whose camera is pinned. */
  cameraPinned(): string[] {
    return [...this.pins].filter(([, s]) => s.cam).map(([id]) => id);
  }
}
