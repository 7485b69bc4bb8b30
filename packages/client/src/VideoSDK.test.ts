// VideoSDK's statics in Node with a stubbed navigator: the pure parts (argument checks, Maps,
// classes, levels, E2EE refusal). The browser-real behaviour is in server/test/sdkStatics.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CameraDeviceInfo } from './CameraDeviceInfo.js';
import { DeviceInfo } from './DeviceInfo.js';
import { ExternalE2EEKeyProvider } from './ExternalE2EEKeyProvider.js';
import { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import { PlaybackDeviceInfo } from './PlaybackDeviceInfo.js';
import { PreCallTestError } from './PreCallTestError.js';
import { RoomkitError } from './protocolRuntime.js';
import { Logger } from '@roomkit/client-core';
import { VideoSDK } from './VideoSDK.js';

const DEVICES = [
  { deviceId: 'cam1', groupId: 'g1', kind: 'videoinput', label: 'Cam' },
  { deviceId: 'mic1', groupId: 'g2', kind: 'audioinput', label: 'Mic' },
  { deviceId: 'spk1', groupId: 'g2', kind: 'audiooutput', label: 'Speaker' },
];

class FakeMediaDevices extends EventTarget {
  devices = DEVICES;
  getUserMedia = vi.fn(async (_c: MediaStreamConstraints) => ({ getTracks: () => [{ stop: vi.fn() }] }));
  async enumerateDevices() {
    return this.devices;
  }
}

function stubNavigator(extra: Record<string, unknown> = {}) {
  const mediaDevices = new FakeMediaDevices();
  vi.stubGlobal('navigator', { mediaDevices, ...extra });
  return mediaDevices;
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<number | string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    return (err as { code?: number | string }).code;
  }
  return undefined;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  VideoSDK.setLogLevel('INFO');
  VideoSDK.setKeyProvider(null);
});

describe('device lists', () => {
  it('getDevices() returns Camera/Microphone/PlaybackDeviceInfo instances with the browser fields', async () => {
    stubNavigator();
    const all = await VideoSDK.getDevices();
    expect(all.map((d) => d.constructor)).toEqual([CameraDeviceInfo, MicrophoneDeviceInfo, PlaybackDeviceInfo]);
    expect(all.every((d) => d instanceof DeviceInfo)).toBe(true);
    expect(JSON.parse(JSON.stringify(all[0]))).toEqual(DEVICES[0]);
    expect((await VideoSDK.getCameras())[0]).toBeInstanceOf(CameraDeviceInfo);
    expect((await VideoSDK.getMicrophones()).map((d) => d.deviceId)).toEqual(['mic1']);
    expect((await VideoSDK.getPlaybackDevices()).map((d) => d.kind)).toEqual(['audiooutput']);
  });

  it('without navigator.mediaDevices (plain http), getDevices() rejects with 3068', async () => {
    vi.stubGlobal('navigator', {});
    expect(await codeOf(VideoSDK.getDevices())).toBe(3068);
  });
});

describe("VideoSDK.on/off('device-changed')", () => {
  it('calls listeners with {devices} on devicechange and stops listening after off()', async () => {
    const media = stubNavigator();
    const remove = vi.spyOn(media, 'removeEventListener');
    const got: unknown[] = [];
    const listener = (data: { devices: DeviceInfo[] }) => got.push(data);
    VideoSDK.on('device-changed', listener);
    media.devices = DEVICES.slice(0, 1);
    media.dispatchEvent(new Event('devicechange'));
    await vi.waitFor(() => expect(got).toHaveLength(1));
    const { devices } = got[0] as { devices: DeviceInfo[] };
    expect(devices).toHaveLength(1);
    expect(devices[0]).toBeInstanceOf(CameraDeviceInfo);
    VideoSDK.off('device-changed', listener);
    expect(remove).toHaveBeenCalledWith('devicechange', expect.any(Function));
    media.dispatchEvent(new Event('devicechange'));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(1);
  });

  it('an unknown event name or a non-function listener throws 3073', async () => {
    stubNavigator();
    expect(await codeOf(() => VideoSDK.on('devices-changed' as 'device-changed', () => {}))).toBe(3073);
    expect(await codeOf(() => VideoSDK.off('nope' as 'device-changed', () => {}))).toBe(3073);
    expect(await codeOf(() => VideoSDK.on('device-changed', 'x' as never))).toBe(3073);
  });
});

describe('checkPermissions / requestPermission', () => {
  it('checkPermissions maps camera/microphone permission states to audio/video booleans', async () => {
    const query = vi.fn(async ({ name }: { name: string }) => ({ state: name === 'microphone' ? 'granted' : 'prompt' }));
    stubNavigator({ permissions: { query } });
    const all = await VideoSDK.checkPermissions();
    expect([...all]).toEqual([['audio', true], ['video', false]]);
    expect([...(await VideoSDK.checkPermissions(VideoSDK.Constants.permission.VIDEO))]).toEqual([['video', false]]);
    expect(query).toHaveBeenCalledWith({ name: 'camera' });
  });

  it('checkPermissions without the Permissions API rejects with 3068; a bad argument with 3073', async () => {
    stubNavigator();
    expect(await codeOf(VideoSDK.checkPermissions())).toBe(3068);
    stubNavigator({ permissions: { query: async () => ({ state: 'granted' }) } });
    expect(await codeOf(VideoSDK.checkPermissions('screen'))).toBe(3073);
  });

  it('checkPermissions when the browser does not know the permission name rejects with 3068', async () => {
    stubNavigator({ permissions: { query: async () => Promise.reject(new TypeError("'camera' is not a valid PermissionName")) } });
    expect(await codeOf(VideoSDK.checkPermissions('video'))).toBe(3068);
  });

  it('requestPermission opens each kind once, closes it, and reports a refusal as false', async () => {
    const media = stubNavigator();
    media.getUserMedia.mockImplementation(async (c: MediaStreamConstraints) => {
      if (c.video) throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
      return { getTracks: () => [{ stop: vi.fn() }] };
    });
    expect([...(await VideoSDK.requestPermission('audio_video'))]).toEqual([['audio', true], ['video', false]]);
    expect(media.getUserMedia).toHaveBeenCalledTimes(2);
  });

  it('requestPermission with no camera rejects with ERROR_GET_VIDEO_MEDIA (3011)', async () => {
    const media = stubNavigator();
    media.getUserMedia.mockRejectedValue(Object.assign(new Error('none'), { name: 'NotFoundError' }));
    expect(await codeOf(VideoSDK.requestPermission('video'))).toBe(3011);
    expect(await codeOf(VideoSDK.requestPermission('audio'))).toBe(3012);
    expect(await codeOf(VideoSDK.requestPermission('both'))).toBe(3073);
  });
});

describe('setLogLevel', () => {
  it('each level shows its own messages and the more severe ones; NONE shows nothing', () => {
    const calls: string[] = [];
    for (const m of ['debug', 'info', 'warn', 'error'] as const) vi.spyOn(console, m).mockImplementation(() => calls.push(m));
    const log = new Logger(false);
    const emitAll = () => {
      calls.length = 0;
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      return [...calls];
    };
    expect(emitAll()).toEqual(['info', 'warn', 'error']); // INFO, the default
    VideoSDK.setLogLevel('ERROR');
    expect(emitAll()).toEqual(['error']);
    VideoSDK.setLogLevel(VideoSDK.Constants.LogLevel.WARN);
    expect(emitAll()).toEqual(['warn', 'error']);
    VideoSDK.setLogLevel('DEBUG');
    expect(emitAll()).toEqual(['debug', 'info', 'warn', 'error']);
    VideoSDK.setLogLevel('NONE');
    expect(emitAll()).toEqual([]);
    // A meeting's debugMode shows its debug lines at any level but NONE.
    VideoSDK.setLogLevel('WARN');
    calls.length = 0;
    new Logger(true).debug('x');
    expect(calls).toEqual(['debug']);
  });

  it('an unknown level throws 3073 and leaves the level unchanged', async () => {
    expect(await codeOf(() => VideoSDK.setLogLevel('VERBOSE' as 'ALL'))).toBe(3073);
    expect(await codeOf(() => VideoSDK.setLogLevel('info' as 'INFO'))).toBe(3073);
  });
});

describe('E2EE', () => {
  it('ExternalE2EEKeyProvider holds a key; empty or wrong-typed keys reject with 3073', async () => {
    const kp = new ExternalE2EEKeyProvider({ ratchetWindowSize: 10 });
    expect(kp.hasSharedKey).toBe(false);
    await kp.setSharedKey('secret');
    expect(kp.hasSharedKey).toBe(true);
    await kp.setSharedKey(new Uint8Array([1, 2]).buffer);
    expect(await codeOf(kp.setSharedKey(''))).toBe(3073);
    expect(await codeOf(kp.setSharedKey(42 as unknown as string))).toBe(3073);
    expect(await codeOf(() => new ExternalE2EEKeyProvider({ failureTolerance: 1.5 }))).toBe(3073);
  });

  it('initMeeting with a key provider set throws ERROR_ACTION_NOT_SUPPORTED (3068); clearing it lets initMeeting through', async () => {
    const kp = new ExternalE2EEKeyProvider();
    await kp.setSharedKey('k');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    VideoSDK.setKeyProvider(kp);
    const err = await codeOf(() => VideoSDK.initMeeting({ meetingId: 'e2ee-room', signalingBaseUrl: 'http://127.0.0.1:1' }));
    expect(err).toBe(3068);
    VideoSDK.setKeyProvider(null);
    expect(() => VideoSDK.initMeeting({ meetingId: 'e2ee-room', signalingBaseUrl: 'http://127.0.0.1:1' })).not.toThrow();
  });

  it('setKeyProvider with something else throws 3073', async () => {
    expect(await codeOf(() => VideoSDK.setKeyProvider({ setSharedKey() {} } as never))).toBe(3073);
  });
});

describe('initMeeting options Roomkit ignores', () => {
  it('each one given logs a warning naming it; none given logs nothing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    VideoSDK.initMeeting({ meetingId: 'opts-room', signalingBaseUrl: 'http://127.0.0.1:1' });
    expect(warn).not.toHaveBeenCalled();
    VideoSDK.initMeeting({ meetingId: 'opts-room', signalingBaseUrl: 'http://127.0.0.1:1', preferredProtocol: 'TCP_ONLY', codecSwitchEnabled: true });
    expect(warn.mock.calls.map((c) => String(c[1]))).toEqual([
      expect.stringMatching(/option 'preferredProtocol' is ignored by Roomkit/),
      expect.stringMatching(/option 'codecSwitchEnabled' is ignored by Roomkit/),
    ]);
  });
});

describe('analytics', () => {
  it('accepts what the React SDK passes and sends nothing anywhere', () => {
    const fetchSpy = vi.fn();
    vi.stubGlobal('fetch', fetchSpy);
    vi.stubGlobal('navigator', { sendBeacon: fetchSpy });
    expect(() => VideoSDK.analytics({ sdkType: 'react-web', sdkVersion: '1.1.1' })).not.toThrow();
    expect(() => VideoSDK.analytics(undefined)).not.toThrow();
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('runPreCallTest argument errors', () => {
  it('rejects with PreCallTestError codes and still has stop()', async () => {
    for (const [options, code] of [
      [undefined, 'ERROR_PRECALL_INVALID_CONFIG'],
      [{}, 'ERROR_PRECALL_INVALID_TOKEN'],
      [{ token: 'x' }, 'ERROR_PRECALL_INVALID_TOKEN'],
    ] as const) {
      const p = VideoSDK.runPreCallTest(options as never);
      expect(typeof p.stop).toBe('function');
      await p.stop();
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PreCallTestError);
      expect((err as PreCallTestError).code).toBe(code);
      expect(err).not.toBeInstanceOf(RoomkitError);
    }
  });
});

describe('runPreCallTest stop()', () => {
  it('does not wait for an unanswered permission prompt; a device granted later is closed at once', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const token = `${b64({ alg: 'HS256' })}.${b64({ apikey: 'k' })}.c2ln`;
    let grant!: (s: unknown) => void;
    const stop = vi.fn();
    const media = stubNavigator();
    media.getUserMedia.mockImplementation(() => new Promise((res) => (grant = res as (s: unknown) => void)));
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 200 })));
    const test = VideoSDK.runPreCallTest({ token, audioOnly: true, signalingBaseUrl: 'http://127.0.0.1:1' });
    await vi.waitFor(() => expect(media.getUserMedia).toHaveBeenCalled());
    await test.stop();
    const result = await test;
    expect(result).toMatchObject({ aborted: true, camera: { status: 'skipped' }, microphone: { status: 'skipped' }, networkQuality: { status: 'skipped' } });
    grant({ getTracks: () => [{ stop }] });
    await vi.waitFor(() => expect(stop).toHaveBeenCalled());
    // The slot is free again.
    const again = VideoSDK.runPreCallTest({ token, audioOnly: true, signalingBaseUrl: 'http://127.0.0.1:1' });
    await again.stop();
    expect((await again).aborted).toBe(true);
  });
});
