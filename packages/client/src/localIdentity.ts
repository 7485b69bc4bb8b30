// Who the local participant is before join(): VideoSDK apps read `meeting.localParticipant.id` right
// after initMeeting() (self-view tiles, the React SDK's participant map), so the id is settled here.
import type { Mode } from '@roomkit/protocol';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const GENERATED_ID_LENGTH = 8;

/** A fresh participant id like VideoSDK's client-side ones: 8 lowercase letters/digits. */
export function newParticipantId(): string {
  const bytes = new Uint8Array(GENERATED_ID_LENGTH);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b % ID_ALPHABET.length];
  return id;
}

/**
 * The `participantId` claim a token pins, if any. The payload is only decoded, not verified: the
 * server verifies the token at join and would refuse any other id anyway.
 */
export function tokenParticipantId(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const id = (claims as { participantId?: unknown } | null)?.participantId;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The local participant's id: the token's pinned id wins, then the app's, else a generated one. */
export function localParticipantId(token: string | undefined, requested: unknown): string {
  const pinned = tokenParticipantId(token);
  if (pinned) return pinned;
  if (typeof requested === 'number') return String(requested);
  if (typeof requested === 'string' && requested.trim() !== '') return requested.trim();
  return newParticipantId();
}

/** VideoSDK's deprecated mode names (still accepted by js-sdk 1.1): CONFERENCE and VIEWER. */
const MODE_ALIASES: Record<string, Mode> = {
  SEND_AND_RECV: 'SEND_AND_RECV',
  RECV_ONLY: 'RECV_ONLY',
  SIGNALLING_ONLY: 'SIGNALLING_ONLY',
  CONFERENCE: 'SEND_AND_RECV',
  VIEWER: 'SIGNALLING_ONLY',
};

/** The mode a name stands for (deprecated aliases mapped), or undefined when it names none. */
export function normalizeMode(mode: unknown): Mode | undefined {
  return typeof mode === 'string' ? MODE_ALIASES[mode] : undefined;
}
