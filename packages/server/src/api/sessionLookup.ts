// Finding a session for a REST route: the 404 for an unknown id, and its room for access checks.
import type { Store } from '../store/Store.js';
import { notFound } from './errors.js';

export function sessionLookup(store: Pick<Store, 'getSession'>) {
  return {
    /** The session, or 404 ERROR_INVALID_PARAMETER naming the id. */
    async findSession(sessionId: string) {
      const session = await store.getSession(sessionId);
      if (!session) throw notFound('ERROR_INVALID_PARAMETER', `sessionId: no session "${sessionId}"`);
      return session;
    },
    /** The room of a session named by id (undefined for none or an unknown one): for access rules. */
    async sessionRoom(sessionId: string | undefined): Promise<string | undefined> {
      return sessionId === undefined ? undefined : ((await store.getSession(sessionId).catch(() => null))?.roomId ?? undefined);
    },
  };
}
