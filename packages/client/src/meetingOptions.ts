// initMeeting() options as VideoSDK takes them: deprecated mode names, ids and names given as
// numbers, booleans given as "true"/"false", any-case maxResolution. Only what VideoSDK itself
// refuses (no meetingId, an unknown mode, a metaData that is not an object) throws here.
import { normalizeMode } from './localIdentity.js';
import { RoomkitError } from './protocolRuntime.js';
import type { MeetingOptions } from './types.js';

function flag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value.trim().toLowerCase() === 'true';
  return Boolean(value);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Checks and normalises initMeeting() options; throws a RoomkitError where VideoSDK throws. */
export function resolveMeetingOptions(options: MeetingOptions): MeetingOptions {
  if (!options || typeof options !== 'object') throw new RoomkitError('INVALID_MEETING_ID', 'initMeeting() needs an options object with a meetingId');
  const meetingId = text(options.meetingId)?.trim();
  if (!meetingId) throw new RoomkitError('INVALID_MEETING_ID', 'initMeeting() needs a meetingId');
  let mode = options.mode;
  if (mode !== undefined && mode !== null) {
    mode = normalizeMode(mode);
    if (!mode) {
      throw new RoomkitError('ERROR_INVALID_MODE', `initMeeting(): unknown mode '${String(options.mode)}': use SEND_AND_RECV, RECV_ONLY or SIGNALLING_ONLY (or the deprecated CONFERENCE / VIEWER)`);
    }
  }
  const metaData = options.metaData as unknown;
  if (metaData !== undefined && metaData !== null && (typeof metaData !== 'object' || Array.isArray(metaData))) {
    throw new RoomkitError('ERROR_INVALID_PARAMETER', 'initMeeting(): metaData must be a plain object');
  }
  const resolution = typeof options.maxResolution === 'string' ? options.maxResolution.toLowerCase() : undefined;
  const resolved: MeetingOptions = {
    ...options,
    meetingId,
    mode: mode ?? undefined,
    name: text(options.name),
    participantId: text(options.participantId),
    micEnabled: flag(options.micEnabled),
    webcamEnabled: flag(options.webcamEnabled),
    multiStream: flag(options.multiStream),
    autoConsume: flag(options.autoConsume),
    debugMode: flag(options.debugMode),
    // VideoSDK ignores a value it does not know; so do we (1280x720).
    maxResolution: resolution === 'sd' ? 'sd' : resolution === 'hd' ? 'hd' : undefined,
    metaData: (metaData ?? undefined) as MeetingOptions['metaData'],
  };
  for (const key of Object.keys(resolved) as (keyof MeetingOptions)[]) if (resolved[key] === undefined) delete resolved[key];
  return resolved;
}
