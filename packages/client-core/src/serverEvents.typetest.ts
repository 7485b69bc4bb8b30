// Type-level test, checked by `tsc -p tsconfig.json` (not run): the handler table of
// serverEvents.ts must name every server event, so a table missing one does not compile.
import type { ServerEventHandlers } from './serverEvents.js';

type AllButError = Omit<ServerEventHandlers, 'error'>;
declare const allButError: AllButError;

// @ts-expect-error a table without the 'error' handler is not a ServerEventHandlers
export const missingOne: ServerEventHandlers = allButError;

// A handler typed for the wrong event is refused too.
// @ts-expect-error 'data' handler receives the data event, not a participantJoined
export const wrongPayload: Pick<ServerEventHandlers, 'data'> = { data: (e: { t: 'participantJoined' }) => void e };
