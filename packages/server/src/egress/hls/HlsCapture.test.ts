import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, RoomkitError } from '@roomkit/protocol';
import { CAPTURES_KEPT, HlsCapture, type CaptureSource } from './HlsCapture.js';

const run = promisify(execFile);
let dir = '';

/** 5 s of 320x240 test pattern as 2 s HLS segments, as HlsOutput's tee slave writes them. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'roomkit-hls-capture-'));
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '5',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0',
    '-hls_segment_filename', join(dir, 'seg_%05d.ts'), join(dir, 'index.m3u8'),
  ]);
}, 30_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const source = (over: Partial<CaptureSource> = {}): CaptureSource => ({ dir, videoSize: () => ({ width: 320, height: 240 }), captureCount: 0, ...over });
const size = async (file: string) => JSON.parse((await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=width,height,codec_name', '-of', 'json', file])).stdout).streams[0];
async function refusal(p: Promise<unknown>): Promise<RoomkitError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(RoomkitError);
  return err as RoomkitError;
}

describe('HlsCapture', () => {
  it('takes the newest frame at the stream size, or at `time`, at the size asked (one side keeps the aspect)', async () => {
    const capture = new HlsCapture({ ffmpegPath: 'ffmpeg' });
    const src = source();
    const newest = await capture.capture(src, {});
    expect(newest).toMatchObject({ fileName: 'capture_00001.jpg', width: 320, height: 240 });
    expect(newest.time).toBeCloseTo(5, 0);
    expect(await size(newest.path)).toEqual({ codec_name: 'mjpeg', width: 320, height: 240 });
    const at = await capture.capture(src, { time: 2.5, width: 160 });
    expect(at).toMatchObject({ fileName: 'capture_00002.jpg', width: 160, height: 120, time: 2.5 });
    expect(await size(at.path)).toMatchObject({ width: 160, height: 120 });
    const exact = await capture.capture(src, { time: 0, width: 101, height: 33 });
    expect(await size(exact.path)).toMatchObject({ width: 101, height: 33 });
    expect(exact.bytes).toBeGreaterThan(0);
  }, 30_000);

  it('refuses a time past the end (naming time), an audio-only stream, and a stream with no segment', async () => {
    const capture = new HlsCapture({ ffmpegPath: 'ffmpeg' });
    const late = await refusal(capture.capture(source(), { time: 60 }));
    expect(late).toMatchObject({ code: ErrorCode.ERROR_INVALID_PARAMETER, message: expect.stringMatching(/^time: the stream is 5\.\d s long/) });
    expect((await refusal(capture.capture(source({ videoSize: () => null }), {}))).message).toMatch(/^roomId: .*audio only/);
    const empty = await mkdtemp(join(tmpdir(), 'roomkit-hls-capture-empty-'));
    try {
      expect((await refusal(capture.capture(source({ dir: empty }), {}))).message).toMatch(/^roomId: .*no segment yet/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('runs one capture per stream and `maxRunning` on the server at once; the others get RATE_LIMITED', async () => {
    const capture = new HlsCapture({ ffmpegPath: 'ffmpeg', maxRunning: 1 });
    const src = source({ captureCount: 100 });
    const same = await Promise.allSettled([capture.capture(src, {}), capture.capture(src, {})]);
    expect(same.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((same[1] as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/already running/) });
    // A second stream: the same files under another spelling of the directory (the key captures are counted by).
    const second = source({ dir: `${dir}/../${dir.split('/').at(-1)}`, captureCount: 200 });
    const other = await Promise.allSettled([capture.capture(src, {}), capture.capture(second, {})]);
    expect((other[1] as PromiseRejectedResult).reason).toMatchObject({ code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/already making 1 capture/) });
    // Afterwards it takes captures again.
    await capture.capture(src, {});
  }, 30_000);

  it(`keeps the last ${CAPTURES_KEPT} captures of a stream`, async () => {
    const capture = new HlsCapture({ ffmpegPath: 'ffmpeg' });
    const src = source({ captureCount: 1000 });
    for (let i = 0; i < CAPTURES_KEPT + 2; i++) await capture.capture(src, { width: 32, height: 24 });
    await new Promise((r) => setTimeout(r, 100)); // removal is not awaited
    expect(existsSync(join(dir, 'capture_01001.jpg'))).toBe(false);
    expect(existsSync(join(dir, 'capture_01002.jpg'))).toBe(false);
    expect(existsSync(join(dir, 'capture_01003.jpg'))).toBe(true);
    expect(existsSync(join(dir, `capture_0${1000 + CAPTURES_KEPT + 2}.jpg`))).toBe(true);
  }, 60_000);
});
