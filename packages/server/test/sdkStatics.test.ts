// VideoSDK's statics in a real Chromium (fake camera and microphone) against a real server: device
// classes, device-changed, permissions, the pre-call test and its failure codes, log levels and
// network stats — the parts VideoSDK's React SDK calls outside a meeting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { join, openSdkPage, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
let page: Page;
const consoleLines: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  page = await openSdkPage(browser, server.url, 'statics');
  page.on('console', (msg) => consoleLines.push(`${msg.type()} ${msg.text()}`));
  await page.evaluate(async () => {
    const res = await fetch('/dev/token?roomId=precall-room');
    (window as any).rkToken = (await res.json()).token;
  });
}, 60_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.stop();
  }
});

describe('device lists and device-changed', () => {
  it('getCameras/getMicrophones/getDevices return DeviceInfo subclass instances with the browser fields', async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const cams = await VideoSDK.getCameras();
      const mics = await VideoSDK.getMicrophones();
      const all = await VideoSDK.getDevices();
      const Cam = cams[0].constructor;
      const Mic = mics[0].constructor;
      const Base = Object.getPrototypeOf(Cam);
      return {
        camKinds: cams.map((d: any) => d.kind),
        micKinds: mics.map((d: any) => d.kind),
        camFields: Object.keys(cams[0].toJSON()).sort(),
        distinctClasses: Cam !== Mic && Base === Object.getPrototypeOf(Mic) && Base !== Object && Base !== Function.prototype,
        allFromClasses: all.every((d: any) => d instanceof Base),
        camsInAll: all.filter((d: any) => d instanceof Cam).length === cams.length,
        plainLength: (await navigator.mediaDevices.enumerateDevices()).length,
        allLength: all.length,
      };
    });
    expect(r.camKinds.length).toBeGreaterThan(0);
    expect(new Set(r.camKinds)).toEqual(new Set(['videoinput']));
    expect(new Set(r.micKinds)).toEqual(new Set(['audioinput']));
    expect(r.camFields).toEqual(['deviceId', 'groupId', 'kind', 'label']);
    expect(r.distinctClasses).toBe(true);
    expect(r.allFromClasses).toBe(true);
    expect(r.camsInAll).toBe(true);
    expect(r.allLength).toBe(r.plainLength);
  });

  it("a devicechange on navigator.mediaDevices reaches 'device-changed' listeners as {devices}, until off()", async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const got: any[] = [];
      const listener = (data: any) => got.push(data);
      VideoSDK.on('device-changed', listener);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
      VideoSDK.off('device-changed', listener);
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      await new Promise((res) => setTimeout(res, 200));
      let unknownEvent: unknown;
      try {
        VideoSDK.on('meeting-joined', listener);
      } catch (err: any) {
        unknownEvent = err.code;
      }
      return {
        calls: got.length,
        keys: Object.keys(got[0] ?? {}),
        devices: got[0]?.devices.length,
        real: (await navigator.mediaDevices.enumerateDevices()).length,
        hasToJSON: typeof got[0]?.devices[0]?.toJSON === 'function',
        unknownEvent,
      };
    });
    expect(r).toEqual({ calls: 1, keys: ['devices'], devices: r.real, real: r.real, hasToJSON: true, unknownEvent: 3073 });
  });
});

describe('permissions', () => {
  it('checkPermissions reads the Permissions API; requestPermission prompts and returns granted flags', async () => {
    const before = await page.evaluate(async () => [...(await (window as any).rk.VideoSDK.checkPermissions())]);
    expect(before.map(([k]) => k)).toEqual(['audio', 'video']);
    expect(before.every(([, v]) => typeof v === 'boolean')).toBe(true);
    const requested = await page.evaluate(async () => [...(await (window as any).rk.VideoSDK.requestPermission('audio_video'))]);
    expect(requested).toEqual([['audio', true], ['video', true]]);
    await page.context().grantPermissions(['camera', 'microphone']);
    const after = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      return { both: [...(await VideoSDK.checkPermissions('audio_video'))], video: [...(await VideoSDK.checkPermissions('video'))] };
    });
    expect(after).toEqual({ both: [['audio', true], ['video', true]], video: [['video', true]] });
  });

  it('an unknown permission rejects with 3073 from both', async () => {
    const codes = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: any) => e.code);
      return [await code(VideoSDK.checkPermissions('screen')), await code(VideoSDK.requestPermission('AUDIO'))];
    });
    expect(codes).toEqual([3073, 3073]);
  });
});

describe('runPreCallTest', () => {
  it('opens camera and mic, measures the server for samplingDuration, reports stats on the way', async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const stats: any[] = [];
      const result = await VideoSDK.runPreCallTest({
        token: (window as any).rkToken,
        samplingDuration: 10_000,
        videoConfig: { encoderConfig: 'h360p_w640p' },
        onStatsChange: (s: any) => stats.push(s),
      });
      return { result: JSON.parse(JSON.stringify(result)), stats: stats.length, lastStat: stats.at(-1) };
    });
    const { result } = r;
    expect(result.aborted).toBe(false);
    expect(result.testDuration).toBeGreaterThanOrEqual(10_000);
    expect(result.camera).toMatchObject({ status: 'passed', custom: false, settings: { width: 640, height: 360 } });
    expect(result.camera.label).toBeTruthy();
    expect(result.microphone).toMatchObject({ status: 'passed', custom: false });
    const n = result.networkQuality;
    expect(n.status).toBe('passed');
    expect(n.serverUrl).toBe(server.url);
    expect(n.samples).toBeGreaterThanOrEqual(5);
    expect(n.rtt).toBeGreaterThan(0);
    expect(n.jitter).toBeGreaterThanOrEqual(0);
    expect(n.downlink.mbps).toBeGreaterThan(0);
    expect(n.uplink.mbps).toBeGreaterThan(0);
    expect(['excellent', 'good', 'fair', 'poor']).toContain(n.quality);
    expect(r.stats).toBeGreaterThanOrEqual(5);
    expect(r.lastStat).toMatchObject({ status: 'running', serverUrl: server.url });
  }, 40_000);

  it('stop() ends a running test early: the promise resolves with aborted true; app tracks are not stopped', async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const videoTrack = await VideoSDK.createCameraVideoTrack({});
      let firstStat!: () => void;
      const statSeen = new Promise<void>((res) => (firstStat = res));
      const t0 = performance.now();
      const test = VideoSDK.runPreCallTest({ token: (window as any).rkToken, videoTrack, onStatsChange: () => firstStat() });
      await statSeen;
      const second = await VideoSDK.runPreCallTest({ token: (window as any).rkToken }).then(() => 'resolved', (e: any) => e.code);
      await test.stop();
      await test.stop(); // idempotent
      const result = await test;
      const out = { aborted: result.aborted, camera: result.camera, second, ms: performance.now() - t0, appTrack: videoTrack.getVideoTracks()[0].readyState };
      videoTrack.getTracks().forEach((t: MediaStreamTrack) => t.stop());
      return JSON.parse(JSON.stringify(out));
    });
    expect(r.aborted).toBe(true);
    expect(r.camera).toMatchObject({ status: 'passed', custom: true });
    expect(r.second).toBe('ERROR_PRECALL_TEST_ALREADY_RUNNING');
    expect(r.ms).toBeLessThan(8_000);
    expect(r.appTrack).toBe('live');
  }, 30_000);

  it('fails with VideoSDK codes: no token, malformed token, token the server refuses, bad config, no usable media', async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const token = (window as any).rkToken as string;
      const outcome = (options: any) => {
        const p = VideoSDK.runPreCallTest(options);
        return p.then(
          () => ({ resolved: true }),
          (e: any) => ({ code: e.code, name: e.name, message: e.message, hasStop: typeof p.stop === 'function' }),
        );
      };
      const ended = await VideoSDK.createMicrophoneAudioTrack({});
      ended.getTracks().forEach((t: MediaStreamTrack) => t.stop());
      const [head, payload] = token.split('.');
      return {
        noToken: await outcome({}),
        malformed: await outcome({ token: 'not-a-jwt' }),
        badSignature: await outcome({ token: `${head}.${payload}.AAAA` }),
        badDuration: await outcome({ token, samplingDuration: 500 }),
        trackAndConfig: await outcome({ token, audioTrack: ended, audioConfig: {} }),
        noMedia: await outcome({ token, audioOnly: true, audioTrack: ended }),
      };
    });
    expect(r.noToken).toMatchObject({ code: 'ERROR_PRECALL_INVALID_TOKEN', name: 'PreCallTestError', hasStop: true });
    expect(r.malformed.code).toBe('ERROR_PRECALL_INVALID_TOKEN');
    expect(r.badSignature.code).toBe('ERROR_PRECALL_INVALID_TOKEN');
    expect(r.badSignature.message).toMatch(/server:/);
    expect(r.badDuration.code).toBe('ERROR_PRECALL_INVALID_CONFIG');
    expect(r.trackAndConfig.code).toBe('ERROR_PRECALL_INVALID_CONFIG');
    expect(r.noMedia.code).toBe('ERROR_PRECALL_MEDIA_CHECK_FAILED');
    expect(r.noMedia.message).toMatch(/ERROR_INVALID_CUSTOM_AUDIO_TRACK/);
  }, 30_000);

  it('an unreachable server gives a result whose network phase failed with ERROR_PRECALL_TEST_FAILED', async () => {
    const n = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const result = await VideoSDK.runPreCallTest({ token: (window as any).rkToken, samplingDuration: 10_000, audioOnly: true, signalingBaseUrl: 'http://127.0.0.1:1023' });
      return JSON.parse(JSON.stringify({ network: result.networkQuality, mic: result.microphone.status, camera: result.camera.status }));
    });
    expect(n.mic).toBe('passed');
    expect(n.camera).toBe('skipped');
    expect(n.network).toMatchObject({ status: 'failed', samples: 0, rtt: null, error: { code: 'ERROR_PRECALL_TEST_FAILED' } });
  }, 40_000);
});

describe('setLogLevel', () => {
  it("changes what reaches the console: a throwing listener's error shows from ERROR up, analytics' debug line only at DEBUG", async () => {
    const run = async (level: string) => {
      consoleLines.length = 0;
      await page.evaluate(async (lvl) => {
        const { VideoSDK } = (window as any).rk;
        VideoSDK.setLogLevel(lvl);
        const bad = () => {
          throw new Error('app bug');
        };
        VideoSDK.on('device-changed', bad);
        navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
        await new Promise((res) => setTimeout(res, 300));
        VideoSDK.off('device-changed', bad);
        VideoSDK.analytics({ sdkType: 'react-web', sdkVersion: '1.1.1' });
        await new Promise((res) => setTimeout(res, 50));
      }, level);
      const roomkit = consoleLines.filter((l) => l.includes('[roomkit'));
      return { error: roomkit.some((l) => l.startsWith('error') && l.includes('listener threw')), debug: roomkit.some((l) => l.startsWith('debug') && l.includes('analytics')) };
    };
    expect(await run('NONE')).toEqual({ error: false, debug: false });
    expect(await run('ERROR')).toEqual({ error: true, debug: false });
    expect(await run('INFO')).toEqual({ error: true, debug: false });
    expect(await run('DEBUG')).toEqual({ error: true, debug: true });
    const bad = await page.evaluate(() => {
      try {
        (window as any).rk.VideoSDK.setLogLevel('LOUD');
        return 'no error';
      } catch (e: any) {
        return e.code;
      }
    });
    expect(bad).toBe(3073);
    await page.evaluate(() => (window as any).rk.VideoSDK.setLogLevel('INFO'));
  }, 20_000);
});

describe('getNetworkStats', () => {
  it('measures download and upload to the server in Mbit/s', async () => {
    const r = await page.evaluate(() => (window as any).rk.VideoSDK.getNetworkStats({ timeoutDuration: 20_000 }));
    expect(Object.keys(r).sort()).toEqual(['downloadSpeed', 'uploadSpeed']);
    expect(r.downloadSpeed).toBeGreaterThan(0);
    expect(r.uploadSpeed).toBeGreaterThan(0);
  }, 30_000);

  it('rejects with 3079 when the timeout passes first, and 5000 when the server is unreachable', async () => {
    const r = await page.evaluate(async () => {
      const { VideoSDK } = (window as any).rk;
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: any) => e.code);
      return {
        timeout: await code(VideoSDK.getNetworkStats({ timeoutDuration: 1 })),
        unreachable: await code(VideoSDK.getNetworkStats({ signalingBaseUrl: 'http://127.0.0.1:1023', timeoutDuration: 10_000 })),
      };
    });
    expect(r).toEqual({ timeout: 3079, unreachable: 5000 });
  }, 30_000);
});

describe('js-sdk members on a joined meeting', () => {
  it('selectedCameraDevice/MicrophoneDevice, captureImage, isE2EEEnabled, and 3068 for features Roomkit lacks', async () => {
    expect((await join(page, { meetingId: 'compat-members', name: 'Ann', micEnabled: true, webcamEnabled: true })).ok).toBe(true);
    await waitFor(() => page.evaluate(() => (window as any).rk.meeting.localParticipant.webcamOn && (window as any).rk.meeting.localParticipant.micOn));
    const r = await page.evaluate(async () => {
      const m = (window as any).rk.meeting;
      const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: any) => e.code);
      const image = await m.localParticipant.captureImage({ width: 320 });
      const out = {
        camera: m.selectedCameraDevice?.kind,
        cameraId: typeof m.selectedCameraDevice?.deviceId,
        mic: m.selectedMicrophoneDevice?.kind,
        e2ee: m.isE2EEEnabled,
        jpeg: typeof image === 'string' && image.startsWith('/9j/'),
        imageWidth: await new Promise((res) => {
          const img = new Image();
          img.onload = () => res(img.naturalWidth);
          img.onerror = () => res(-1);
          img.src = `data:image/jpeg;base64,${image}`;
        }),
        whiteboard: await code(m.startWhiteboard()),
        transcription: await code(m.startTranscription()),
        switchTo: await code(m.switchTo({ meetingId: 'other' })),
      };
      await m.leave();
      return out;
    });
    expect(r).toEqual({ camera: 'videoinput', cameraId: 'string', mic: 'audioinput', e2ee: false, jpeg: true, imageWidth: 320, whiteboard: 3068, transcription: 3068, switchTo: 3068 });
  }, 40_000);
});
