// Entry point mirroring the browser SDK's VideoSDK object: config(token) then initMeeting(options).
import { Meeting } from './Meeting.js';
import type { MeetingOptions } from './types.js';

let configuredToken: string | undefined;

export function config(token: string): void {
  configuredToken = token;
}

export function initMeeting(options: MeetingOptions): Meeting {
  if (!options.meetingId) throw new Error('initMeeting: meetingId is required');
  if (!options.signalingBaseUrl) throw new Error('initMeeting: signalingBaseUrl is required in Node');
  return new Meeting(options, configuredToken);
}

/** Fetches a token from a dev-mode server's GET /dev/token (never available in production). */
export async function fetchDevToken(baseUrl: string, roomId: string): Promise<string> {
  const res = await fetch(new URL(`/dev/token?roomId=${encodeURIComponent(roomId)}`, baseUrl));
  if (!res.ok) throw new Error(`GET /dev/token failed: HTTP ${res.status} (is the server in dev mode?)`);
  return ((await res.json()) as { token: string }).token;
}

export const VideoSDK = { config, initMeeting, fetchDevToken };
