// The one table through which server events reach the meeting core. Its type has a key for every
// `ServerEvent['t']` of @roomkit/protocol: a new server event that no handler takes fails to
// compile here instead of being silently ignored (serverEvents.typetest.ts proves it).
import type { ServerEvent } from '@roomkit/protocol';

export type ServerEventOf<K extends ServerEvent['t']> = Extract<ServerEvent, { t: K }>;

/** One handler per server event type; a handler may be async (the event chain waits for it). */
export type ServerEventHandlers = { [K in ServerEvent['t']]: (event: ServerEventOf<K>) => void | Promise<void> };

/** Calls the handler of `event.t`; a type the table lacks (a newer server) is ignored. */
export function dispatchServerEvent(handlers: ServerEventHandlers, event: ServerEvent): void | Promise<void> {
  const handler = handlers[event.t] as ((e: ServerEvent) => void | Promise<void>) | undefined;
  return handler?.call(handlers, event);
}

/** Events of the lobby and of moderation: they reach an ask_join participant before its join completes. */
export const PRE_JOIN_EVENTS: ReadonlySet<ServerEvent['t']> = new Set(['entryRequested', 'entryResponded', 'mediaDisabledByModerator', 'mediaRequested']);
