// runPreCallTest() options: VideoSDK's names and limits, checked before anything is opened.
import type { CameraTrackOptions, MicrophoneTrackOptions } from './devices.js';
import { PreCallTestError } from './PreCallTestError.js';

export interface PreCallTestOptions {
  token: string;
  /** ms of network sampling, 10000..120000; default 15000. */
  samplingDuration?: number;
  audioOnly?: boolean;
  videoTrack?: MediaStream;
  audioTrack?: MediaStream;
  videoConfig?: CameraTrackOptions & { bitrateMode?: string; maxLayer?: 2 | 3 };
  audioConfig?: MicrophoneTrackOptions;
  onStatsChange?: (stats: object) => void;
  /** Roomkit's own: the server to measure against; default as for initMeeting (the page's origin). */
  signalingBaseUrl?: string;
}

export const SAMPLING_MIN_MS = 10_000;
export const SAMPLING_MAX_MS = 120_000;
export const SAMPLING_DEFAULT_MS = 15_000;

const isStream = (v: unknown): v is MediaStream => typeof MediaStream !== 'undefined' && v instanceof MediaStream;

/** A JWT's shape: three base64url parts, the middle one a JSON object. Only the server checks the signature. */
export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+={0,2}$/.test(p))) return false;
  try {
    const json = atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, ''));
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload);
  } catch {
    return false;
  }
}

function invalid(what: string): never {
  throw new PreCallTestError('ERROR_PRECALL_INVALID_CONFIG', `(${what})`);
}

export function validatePreCallOptions(options: unknown): Required<Pick<PreCallTestOptions, 'token' | 'samplingDuration' | 'audioOnly'>> & PreCallTestOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object');
  const o = options as Record<string, unknown>;
  if (o.token === undefined || o.token === null || o.token === '') throw new PreCallTestError('ERROR_PRECALL_INVALID_TOKEN', '(token is missing)');
  if (typeof o.token !== 'string' || !looksLikeJwt(o.token)) throw new PreCallTestError('ERROR_PRECALL_INVALID_TOKEN', '(token is not a JWT)');
  const samplingDuration = o.samplingDuration ?? SAMPLING_DEFAULT_MS;
  if (typeof samplingDuration !== 'number' || !Number.isFinite(samplingDuration) || samplingDuration < SAMPLING_MIN_MS || samplingDuration > SAMPLING_MAX_MS) {
    invalid(`samplingDuration must be a number of ms from ${SAMPLING_MIN_MS} to ${SAMPLING_MAX_MS}, got ${String(o.samplingDuration)}`);
  }
  if (o.audioOnly !== undefined && typeof o.audioOnly !== 'boolean') invalid('audioOnly must be a boolean');
  for (const [track, config] of [['videoTrack', 'videoConfig'], ['audioTrack', 'audioConfig']] as const) {
    if (o[track] !== undefined && !isStream(o[track])) invalid(`${track} must be a MediaStream`);
    if (o[config] !== undefined && (o[config] === null || typeof o[config] !== 'object')) invalid(`${config} must be an object`);
    if (o[track] !== undefined && o[config] !== undefined) invalid(`pass ${track} or ${config}, not both`);
  }
  if (o.onStatsChange !== undefined && typeof o.onStatsChange !== 'function') invalid('onStatsChange must be a function');
  if (o.signalingBaseUrl !== undefined && typeof o.signalingBaseUrl !== 'string') invalid('signalingBaseUrl must be a string');
  return { ...(o as unknown as PreCallTestOptions), samplingDuration, audioOnly: o.audioOnly === true };
}
