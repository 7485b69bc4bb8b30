// Entry point mirroring the browser SDK's VideoSDK object: config(token) then initMeeting(options).
import { RoomkitError } from '@roomkit/protocol/errors';
import { Constants } from '@roomkit/protocol/sdkConstants';
import { Meeting } from './Meeting.js';
import type { MeetingOptions } from './types.js';

let configuredToken: string | undefined;

export function config(token: string): void {
  configuredToken = token;
}

export function initMeeting(options: MeetingOptions): Meeting {
  if (!options?.meetingId) throw new RoomkitError('INVALID_MEETING_ID', 'initMeeting: meetingId is required');
  if (!options.signalingBaseUrl) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'initMeeting: signalingBaseUrl is required in Node');
  if (options.mode !== undefined && !Object.values(Constants.modes).includes(options.mode)) {
    throw new RoomkitError('ERROR_INVALID_MODE', `initMeeting: unknown mode '${String(options.mode)}': use SEND_AND_RECV, RECV_ONLY or SIGNALLING_ONLY`);
  }
  return new Meeting(options, configuredToken);
}

/** Fetches a token from a dev-mode server's GET /dev/token (never available in production). */
export async function fetchDevToken(baseUrl: string, roomId: string): Promise<string> {
  const res = await fetch(new URL(`/dev/token?roomId=${encodeURIComponent(roomId)}`, baseUrl));
  if (!res.ok) throw new Error(`GET /dev/token failed: HTTP ${res.status} (is the server in dev mode?)`);
  return ((await res.json()) as { token: string }).token;
}

export const VideoSDK = { config, initMeeting, fetchDevToken, Constants };
