// Thumbnails of running HLS streams (`POST /v2/hls/capture`): one frame of a segment already on
// disk, decoded and scaled by a short ffmpeg (one thread, killed after CAPTURE_TIMEOUT_MS) into a
// JPEG beside the segments. Bounded: one capture per stream at a time and MAX_RUNNING_CAPTURES on
// the server; more at once → RATE_LIMITED (429). The last CAPTURES_KEPT files of a stream are kept.
import { execFile } from 'node:child_process';
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RoomkitError } from '@roomkit/protocol';
import { parsePlaylist } from './livePlaylist.js';
import { DVR_PLAYLIST, captureFileName } from './HlsOutput.js';

export const MAX_RUNNING_CAPTURES = 2;
export const CAPTURE_TIMEOUT_MS = 10_000;
export const CAPTURES_KEPT = 20;

/** What a capture needs of a stream (HlsOutput). */
export interface CaptureSource {
  readonly dir: string;
  /** The picture's size, or null for an audio-only stream. */
  videoSize(): { width: number; height: number } | null;
  /** Numbers the stream's captures (file names). */
  captureCount: number;
}

export interface CaptureRequest {
  /** Seconds from the stream's start; absent: the newest frame. */
  time?: number;
  width?: number;
  height?: number;
}

export interface CaptureResult {
  fileName: string;
  path: string;
  bytes: number;
  width: number;
  height: number;
  /** Seconds from the stream's start of the frame taken. */
  time: number;
}

export class HlsCapture {
  private readonly busy = new Set<string>();

  constructor(private readonly deps: { ffmpegPath: string; maxRunning?: number; timeoutMs?: number }) {}

  async capture(source: CaptureSource, req: CaptureRequest): Promise<CaptureResult> {
    const size = source.videoSize();
    if (!size) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'roomId: this HLS stream is audio only (mode "audio"): there is no picture to capture');
    if (this.busy.has(source.dir)) throw new RoomkitError('RATE_LIMITED', 'roomId: a capture of this stream is already running; try again when it has finished');
    const max = this.deps.maxRunning ?? MAX_RUNNING_CAPTURES;
    if (this.busy.size >= max) throw new RoomkitError('RATE_LIMITED', `the server is already making ${max} captures; try again in a moment`);
    this.busy.add(source.dir);
    try {
      const at = await this.locate(source.dir, req.time);
      const width = req.width ?? (req.height ? even((req.height * size.width) / size.height) : size.width);
      const height = req.height ?? (req.width ? even((req.width * size.height) / size.width) : size.height);
      const n = ++source.captureCount;
      const fileName = captureFileName(n);
      const path = join(source.dir, fileName);
      const tmp = `${path}.tmp.jpg`;
      const jpeg = await this.encode(join(source.dir, at.segment), at.offset, width, height, tmp);
      await rename(tmp, path);
      if (n > CAPTURES_KEPT) void rm(join(source.dir, captureFileName(n - CAPTURES_KEPT)), { force: true });
      return { fileName, path, bytes: jpeg.length, width, height, time: at.time };
    } finally {
      this.busy.delete(source.dir);
    }
  }

  /** The segment holding `time` (absent: the newest) and the offset into it. */
  private async locate(dir: string, time: number | undefined): Promise<{ segment: string; offset: number; time: number }> {
    const dvr = parsePlaylist(await readFile(join(dir, DVR_PLAYLIST), 'utf8').catch(() => ''));
    const segments = dvr.segments.map((lines) => ({
      uri: lines.at(-1)!,
      seconds: Number(lines.find((l) => l.startsWith('#EXTINF:'))?.slice('#EXTINF:'.length).split(',')[0]) || 0,
    }));
    if (segments.length === 0) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'roomId: the HLS stream has no segment yet; try again once it is playable');
    const total = segments.reduce((sum, s) => sum + s.seconds, 0);
    if (time === undefined) {
      const last = segments.at(-1)!;
      const offset = Math.max(0, last.seconds - 0.1); // the newest frame, a little before the very end
      return { segment: last.uri, offset, time: total - last.seconds + offset };
    }
    if (time > total) throw new RoomkitError('ERROR_INVALID_PARAMETER', `time: the stream is ${total.toFixed(1)} s long so far`);
    let start = 0;
    for (const s of segments) {
      if (time < start + s.seconds || s === segments.at(-1)) return { segment: s.uri, offset: Math.min(Math.max(0, time - start), Math.max(0, s.seconds - 0.1)), time };
      start += s.seconds;
    }
    throw new Error('unreachable');
  }

  private encode(segment: string, offset: number, width: number, height: number, out: string): Promise<Buffer> {
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-threads', '1',
      '-ss', offset.toFixed(3), '-i', segment,
      '-an', '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=bicubic`, '-pix_fmt', 'yuvj420p', '-q:v', '3',
      '-f', 'image2', '-c:v', 'mjpeg', '-y', out,
    ];
    return new Promise((resolve, reject) => {
      execFile(this.deps.ffmpegPath, args, { timeout: this.deps.timeoutMs ?? CAPTURE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (err, _stdout, stderr) => {
        if (err) {
          void rm(out, { force: true });
          const why = err.killed ? `took longer than ${(this.deps.timeoutMs ?? CAPTURE_TIMEOUT_MS) / 1000} s` : String(stderr).trim().split('\n').at(-1) || err.message;
          return reject(new RoomkitError('HLS_FAILED', `the capture failed: ${why}`, { cause: err }));
        }
        readFile(out).then((jpeg) => (jpeg.length > 0 ? resolve(jpeg) : reject(new RoomkitError('HLS_FAILED', 'the capture failed: ffmpeg wrote no frame'))), reject);
      });
    });
  }
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
