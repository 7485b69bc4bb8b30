import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { HlsOutput } from './HlsOutput.js';
import { parsePlaylist } from './livePlaylist.js';

const run = promisify(execFile);
/** What encodeThrough's ffmpeg is asked for, as HlsKind tells the output. */
const expected = { video: { width: 320, height: 240, frameRate: 30, bitrate: 500_000 }, audioBitrate: 128_000 };
const streamInf = (text: string) => {
  const line = text.split('\n').find((l) => l.startsWith('#EXT-X-STREAM-INF:'))!;
  return Object.fromEntries([...line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1], m[2]!.replace(/"/g, '')]));
};
let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs ffmpeg with the output's own tee slave on a synthetic 5 s source, as a job would. */
async function encodeThrough(output: HlsOutput, seconds: number): Promise<void> {
  await run('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-f', 'lavfi', '-i', 'sine=sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-c:a', 'aac', '-flags', '+global_header',
    '-map', '0:v', '-map', '1:a', '-f', 'tee', output.teeSlave(),
  ]);
}

describe('HlsOutput', () => {
  it('derives live.m3u8 from ffmpeg\'s DVR playlist, reports playable once, and keeps a recording as VOD + MP4', async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomkit-hls-out-'));
    let playable = 0;
    const output = new HlsOutput({ dir: join(dir, 'room', 'abc123'), record: true, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', expected, onPlayable: () => playable++ });
    await output.prepare();
    expect(parsePlaylist(await readFile(join(output.dir, 'live.m3u8'), 'utf8')).segments).toHaveLength(0);
    // Before any segment: masters from the encoder's settings, no CODECS (nothing to read them from yet).
    const early = await readFile(join(output.dir, 'playback.m3u8'), 'utf8');
    expect(early.split('\n').at(-2)).toBe('index.m3u8');
    expect(streamInf(early)).toEqual({ BANDWIDTH: String(Math.round(628_000 * 1.08)), RESOLUTION: '320x240', 'FRAME-RATE': '30.000' });
    await encodeThrough(output, 5);
    await new Promise((r) => setTimeout(r, 600)); // two polls
    expect(playable).toBe(1);
    // After: CODECS from the segment's own SPS and AAC profile, measured average bandwidth.
    const sps = JSON.parse((await run('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'stream=profile,level', '-of', 'json', join(output.dir, 'seg_00000.ts')])).stdout).streams[0];
    for (const [name, uri] of [['playback.m3u8', 'index.m3u8'], ['livestream.m3u8', 'live.m3u8']]) {
      const text = await readFile(join(output.dir, name), 'utf8');
      expect(text.split('\n').at(-2)).toBe(uri);
      const inf = streamInf(text);
      const [video, audio] = inf.CODECS!.split(',');
      expect(audio).toBe('mp4a.40.2');
      // ultrafast x264 makes Constrained Baseline (42, constraint_set1 → C0 or E0); the level is ffprobe's.
      expect(video!.slice(0, 7)).toBe('avc1.42');
      expect(parseInt(video!.slice(9, 11), 16)).toBe(sps.level);
      expect(inf).toMatchObject({ RESOLUTION: '320x240', 'FRAME-RATE': '30.000' });
      expect(Number(inf['AVERAGE-BANDWIDTH'])).toBeGreaterThan(0);
      expect(Number(inf.BANDWIDTH)).toBeGreaterThanOrEqual(Number(inf['AVERAGE-BANDWIDTH']));
    }
    expect(sps.profile).toBe('Constrained Baseline');
    const dvr = parsePlaylist(await readFile(join(output.dir, 'index.m3u8'), 'utf8'));
    expect(dvr.segments.map((s) => s.at(-1))).toEqual(['seg_00000.ts', 'seg_00001.ts', 'seg_00002.ts']);
    expect(dvr.segments[0]!.some((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))).toBe(true);
    await output.finish({ reason: 'stopped', durationSeconds: 5 });
    const live = parsePlaylist(await readFile(join(output.dir, 'live.m3u8'), 'utf8'));
    expect(live.ended).toBe(true);
    expect(live.segments).toHaveLength(3);
    expect(output.recordingPath).toBe(join(output.dir, 'recording.mp4'));
    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', output.recordingPath!]);
    expect(Number(probe.stdout)).toBeCloseTo(5, 0);
  }, 30_000);

  it('after a crash (no ENDLIST) ends the playlists itself; without recording removes the files after the grace period', async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomkit-hls-out-'));
    const output = new HlsOutput({ dir: join(dir, 'room', 'def456'), record: false, ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe', expected, onPlayable: () => {}, removeAfterMs: 200 });
    await output.prepare();
    await encodeThrough(output, 3);
    // What a killed ffmpeg leaves: the playlist without its end.
    const path = join(output.dir, 'index.m3u8');
    const text = (await readFile(path, 'utf8')).replace('#EXT-X-ENDLIST\n', '');
    await writeFile(path, text);
    await output.finish({ reason: 'failed', error: 'ffmpeg killed', durationSeconds: 3 });
    expect(parsePlaylist(await readFile(path, 'utf8')).ended).toBe(true);
    expect(output.recordingPath).toBeNull();
    expect(existsSync(output.dir)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(existsSync(output.dir)).toBe(false);
  }, 30_000);
});
