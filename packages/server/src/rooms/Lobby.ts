// The waiting room: ask_join participants wait here until someone holding allow_join or allow_mod
// admits or denies them. Nothing of the meeting (media, messages) reaches a waiting asker.
import { RoomkitError } from '@roomkit/protocol';
import type { ParticipantSink } from './types.js';

interface Asker {
  id: string;
  name: string;
  sink: ParticipantSink;
  decide(allowed: boolean, byName: string): void;
}

export class Lobby {
  private readonly askers = new Map<string, Asker>();

  /** `max`: askers waiting at once; the next is refused (MAX_PARTCIPANT_REACHED). */
  constructor(private readonly max: number) {}

  get waiting(): Iterable<{ id: string; name: string }> {
    return this.askers.values();
  }

  /** Resolves true when admitted, false when denied; rejects if the asker went away. */
  wait(id: string, name: string, sink: ParticipantSink, announce: (asker: { id: string; name: string }) => void): Promise<boolean> {
    if (this.askers.has(id)) {
      return Promise.reject(new RoomkitError('DUPLICATE_PARTICIPANT', `participant ${id} is already waiting to join`));
    }
    if (this.askers.size >= this.max) {
      return Promise.reject(new RoomkitError('MAX_PARTCIPANT_REACHED', `${this.max} people are already waiting to join this meeting; try again later`));
    }
    return new Promise<boolean>((resolve) => {
      this.askers.set(id, {
        id,
        name,
        sink,
        decide: (allowed) => {
          this.askers.delete(id);
          resolve(allowed);
        },
      });
      sink.send({ t: 'entryRequested', participantId: id, name });
      announce({ id, name });
    });
  }

  has(id: string): boolean {
    return this.askers.has(id);
  }

  /** Applies a host's decision; returns the asker's sink so it can be told too. */
  decide(id: string, allowed: boolean, byName: string): ParticipantSink {
    const asker = this.askers.get(id);
    if (!asker) throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: nobody named ${id} is waiting to join`);
    asker.decide(allowed, byName);
    return asker.sink;
  }

  /** The asker's connection closed: drop them (their join is answered as denied). */
  cancel(sink: ParticipantSink): void {
    for (const asker of this.askers.values()) if (asker.sink === sink) asker.decide(false, '');
  }
}
