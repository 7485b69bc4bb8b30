// VideoSDK's real React SDK 1.1.1 bundled over Roomkit's SDK (its `@videosdk.live/js-sdk` import
// aliased to src/index.ts), then loaded in Node: what it imports and calls at load time and from
// its top-level helpers must exist and behave (the app build and page load fail otherwise).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let dir: string;
let R: Record<string, any>;

beforeAll(async () => {
  const result = await build({
    stdin: { contents: "export * from '@videosdk.live/react-sdk';", resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    // Its ES build (index.modern.js), as app bundlers pick it; `export *` sees nothing of the CJS one.
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
    alias: { '@videosdk.live/js-sdk': fileURLToPath(new URL('./index.ts', import.meta.url)) },
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  dir = await mkdtemp(join(tmpdir(), 'roomkit-react-sdk-'));
  const file = join(dir, 'react-sdk.mjs');
  await writeFile(file, result.outputFiles[0]!.text);
  R = await import(pathToFileURL(file).href);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("@videosdk.live/react-sdk 1.1.1 over Roomkit's SDK", () => {
  it('loads, and re-exports the js-sdk classes it names', () => {
    for (const name of ['CameraDeviceInfo', 'DeviceInfo', 'MicrophoneDeviceInfo', 'ExternalE2EEKeyProvider', 'PreCallTestError']) {
      expect(typeof R[name], name).toBe('function');
    }
    expect(new R.CameraDeviceInfo('c', 'g', 'videoinput', 'Cam')).toBeInstanceOf(R.DeviceInfo);
    expect(typeof R.MeetingProvider).toBe('function');
  });

  it('its Constants are ours: BitrateMode, VideoCodec, LogLevel, permission, errors', () => {
    expect(R.Constants.BitrateMode.BALANCED).toBe('balanced');
    expect(R.Constants.VideoCodec.VP8).toBe('VP8');
    expect(R.Constants.LogLevel.INFO).toBe('INFO');
    expect(R.Constants.permission.AUDIO_AND_VIDEO).toBe('audio_video');
    expect(R.Constants.errors.ERROR_ACTION_NOT_SUPPORTED).toBe(3068);
  });

  it('its setLogLevel() (default INFO) and setLogLevel(level) reach ours', () => {
    const debug = vi.spyOn(console, 'debug').mockImplementation(() => {});
    R.setLogLevel('DEBUG');
    new R.ExternalE2EEKeyProvider(); // no log; just alive
    R.setLogLevel();
    expect(() => R.setLogLevel('LOUD')).toThrow(expect.objectContaining({ code: 3073 }));
    debug.mockRestore();
  });

  it('its runPreCallTest is ours, bound: bad options reject with PreCallTestError codes', async () => {
    const p = R.runPreCallTest({ token: '' });
    expect(typeof p.stop).toBe('function');
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(R.PreCallTestError);
    expect(err.code).toBe('ERROR_PRECALL_INVALID_TOKEN');
  });

  it('its createCameraVideoTrack passes its defaults (balanced, 3 layers, VP8) without a warning', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const track = { contentHint: '', stop() {} };
    vi.stubGlobal('navigator', { mediaDevices: { getUserMedia: async () => ({ getVideoTracks: () => [track], getTracks: () => [track] }) } });
    try {
      await R.createCameraVideoTrack({});
      expect(warn).not.toHaveBeenCalled();
      await R.createCameraVideoTrack({ codec: 'H264' });
      expect(String(warn.mock.calls[0]?.[1])).toMatch(/codec H264 is not supported by Roomkit/);
    } finally {
      vi.unstubAllGlobals();
      warn.mockRestore();
    }
  });
});
