// Fans session facts out to several observers (the store, webhooks), in the order given; one
// observer throwing does not keep the others from hearing the fact.
import type { SessionObserver } from '../rooms/hooks.js';
import { logger } from '../logger.js';

export function combineObservers(...observers: SessionObserver[]): SessionObserver {
  const log = logger('webhooks:combineObservers');
  const each = (call: (o: SessionObserver) => void) => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (err) {
        log.error({ err }, 'a session observer threw');
      }
    }
  };
  return {
    sessionStarted: (session, at) => each((o) => o.sessionStarted(session, at)),
    sessionEnded: (session, at) => each((o) => o.sessionEnded(session, at)),
    participantJoined: (session, participant, at) => each((o) => o.participantJoined(session, participant, at)),
    participantLeft: (session, participant, at, reason) => each((o) => o.participantLeft(session, participant, at, reason)),
  };
}
