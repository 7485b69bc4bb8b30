// VideoSDK.checkPermissions / requestPermission: camera and microphone permission as a Map keyed by
// Constants.permission.AUDIO / VIDEO. Checking uses the Permissions API (never prompts);
// requesting opens the devices with getUserMedia (prompts) and closes them at once.
import { Permission, type PermissionValue } from '@roomkit/protocol/sdkConstants';
import { RoomkitError } from './protocolRuntime.js';

type Kind = typeof Permission.AUDIO | typeof Permission.VIDEO;

function kindsOf(permission: unknown, method: string): Kind[] {
  const p = permission ?? Permission.AUDIO_AND_VIDEO;
  if (p === Permission.AUDIO) return [Permission.AUDIO];
  if (p === Permission.VIDEO) return [Permission.VIDEO];
  if (p === Permission.AUDIO_AND_VIDEO) return [Permission.AUDIO, Permission.VIDEO];
  throw new RoomkitError('ERROR_INVALID_PARAMETER', `VideoSDK.${method}(): unknown permission '${String(p)}': use Constants.permission.AUDIO ('audio'), VIDEO ('video') or AUDIO_AND_VIDEO ('audio_video')`);
}

const PERMISSION_NAME: Record<Kind, string> = { audio: 'microphone', video: 'camera' };

/** Resolves with kind → granted, without prompting; ERROR_ACTION_NOT_SUPPORTED without the Permissions API. */
export async function checkPermissions(permission?: PermissionValue | string): Promise<Map<string, boolean>> {
  const kinds = kindsOf(permission, 'checkPermissions');
  const api = globalThis.navigator?.permissions;
  if (!api?.query) throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', 'VideoSDK.checkPermissions(): this browser has no Permissions API; use requestPermission() instead');
  const result = new Map<string, boolean>();
  for (const kind of kinds) {
    let status: PermissionStatus;
    try {
      status = await api.query({ name: PERMISSION_NAME[kind] as PermissionName });
    } catch (err) {
      // Firefox before 131 does not know 'camera'/'microphone' as permission names.
      throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `VideoSDK.checkPermissions(): this browser cannot query the ${PERMISSION_NAME[kind]} permission (${String(err)}); use requestPermission() instead`, { cause: err });
    }
    result.set(kind, status.state === 'granted');
  }
  return result;
}

/**
 * Prompts for the devices (getUserMedia) and resolves with kind → granted. A refusal is `false`;
 * a missing device rejects with ERROR_GET_AUDIO_MEDIA / ERROR_GET_VIDEO_MEDIA, as does any other
 * capture failure.
 */
export async function requestPermission(permission?: PermissionValue | string): Promise<Map<string, boolean>> {
  const kinds = kindsOf(permission, 'requestPermission');
  if (!globalThis.navigator?.mediaDevices?.getUserMedia) {
    throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', 'VideoSDK.requestPermission(): this browser has no getUserMedia (serve the page over https or from localhost)');
  }
  const result = new Map<string, boolean>();
  // One kind at a time, so a refused camera does not hide a granted microphone.
  for (const kind of kinds) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(kind === Permission.AUDIO ? { audio: true } : { video: true });
      for (const track of stream.getTracks()) track.stop();
      result.set(kind, true);
    } catch (err) {
      const name = (err as { name?: string } | null)?.name;
      if (name === 'NotAllowedError' || name === 'SecurityError') {
        result.set(kind, false);
        continue;
      }
      const code = kind === Permission.AUDIO ? 'ERROR_GET_AUDIO_MEDIA' : 'ERROR_GET_VIDEO_MEDIA';
      const what = kind === Permission.AUDIO ? 'microphone' : 'camera';
      throw new RoomkitError(code, `VideoSDK.requestPermission(): could not open the ${what} (${name ?? 'Error'}: ${(err as Error)?.message ?? String(err)})`, { cause: err });
    }
  }
  return result;
}
