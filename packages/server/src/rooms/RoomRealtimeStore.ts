// A session's realtime store (`meeting.realtimeStore`): string values by key, kept in memory for the
// session's lifetime, and each change sent to the participants observing that key.
import { REALTIME_STORE_MAX_KEYS, RoomkitError } from '@roomkit/protocol';
import type { Participant } from './Participant.js';

export class RoomRealtimeStore {
  private readonly values = new Map<string, string>();

  /** Sets `key` (null deletes it) and tells its observers, the setter included if it observes. */
  set(by: Participant, key: string, value: string | null, everyone: Iterable<Participant>): void {
    if (value === null) {
      if (!this.values.delete(key)) return;
    } else {
      if (!this.values.has(key) && this.values.size >= REALTIME_STORE_MAX_KEYS) {
        throw new RoomkitError('ERROR_INVALID_PARAMETER', `key: the realtime store holds at most ${REALTIME_STORE_MAX_KEYS} keys per session; delete one first (setValue(key, null))`);
      }
      this.values.set(key, value);
    }
    for (const participant of everyone) {
      if (participant.observedKeys.has(key)) participant.sink.send({ t: 'realtimeStoreChanged', key, value, updatedBy: by.id });
    }
  }

  get(key: string): string | null {
    return this.values.get(key) ?? null;
  }
}
