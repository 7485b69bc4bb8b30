// One HLS stream as an egress output: ffmpeg's hls muxer writes 2-second MPEG-TS segments and the
// DVR playlist (`index.m3u8`, every segment, EVENT type); this class derives the live-edge playlist
// (`live.m3u8`, the last few segments) from it, reports when a player can start (≥ 2 segments),
// and at the end either keeps the stream as a recording or removes its files after a grace period.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { teeEscape } from '../ffmpegArgs.js';
import type { EgressOutput, JobOutcome } from '../types.js';
import { livePlaylistFrom } from './livePlaylist.js';

export const HLS_SEGMENT_SECONDS = 2;
/** Segments in live.m3u8: hls.js starts 3 target durations from the end, so 6 leaves headroom. */
export const LIVE_WINDOW_SEGMENTS = 6;
/** Segments in the DVR playlist before a player can start (HLS_PLAYABLE). */
export const PLAYABLE_SEGMENTS = 2;
/** How long a stopped, unrecorded stream's files stay for players finishing the tail. */
export const REMOVE_AFTER_MS = 60_000;
const POLL_MS = 250;

export const DVR_PLAYLIST = 'index.m3u8';
export const LIVE_PLAYLIST = 'live.m3u8';
export const RECORDING_FILE = 'recording.mp4';

/** Files a client may fetch from an HLS directory; nothing else is ever served from it. */
export const HLS_FILE_PATTERN = /^(index\.m3u8|live\.m3u8|seg_\d{5,9}\.ts|recording\.mp4)$/;

export function hlsDirOf(dataDir: string, roomId: string, id: string): string {
  return join(dataDir, 'hls', roomId, id);
}

/** URL paths of a stream (relative to the server's origin; edges make them absolute). */
export function hlsPaths(roomId: string, id: string): { playbackHlsUrl: string; livestreamUrl: string } {
  const base = `/hls/${encodeURIComponent(roomId)}/${encodeURIComponent(id)}`;
  return { playbackHlsUrl: `${base}/${DVR_PLAYLIST}`, livestreamUrl: `${base}/${LIVE_PLAYLIST}` };
}

export interface HlsOutputOptions {
  dir: string;
  /** Keep the stream after it ends: the DVR playlist as VOD and `recording.mp4` (remuxed, no re-encode). */
  record: boolean;
  ffmpegPath: string;
  /** Once, when the DVR playlist first holds PLAYABLE_SEGMENTS segments. */
  onPlayable(): void;
  onError?(err: unknown): void;
  removeAfterMs?: number;
}

export class HlsOutput implements EgressOutput {
  readonly name = 'hls';
  private timer: NodeJS.Timeout | null = null;
  private lastStamp = '';
  private playable = false;
  private polling: Promise<void> = Promise.resolve();
  /** Absolute path of the MP4 once written (record: true). */
  recordingPath: string | null = null;

  constructor(private readonly options: HlsOutputOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  teeSlave(): string {
    const dir = this.options.dir;
    const opts = [
      'f=hls',
      `hls_time=${HLS_SEGMENT_SECONDS}`,
      'hls_list_size=0',
      'hls_playlist_type=event',
      // temp_file: playlists and segments appear by rename, so nobody reads a half-written file.
      'hls_flags=program_date_time+independent_segments+temp_file',
      `hls_segment_filename=${teeEscape(join(dir, 'seg_%05d.ts'))}`,
    ];
    return `[${opts.join(':')}]${teeEscape(join(dir, DVR_PLAYLIST))}`;
  }

  async prepare(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    // Players may ask for live.m3u8 before the first segment: an empty live playlist, not a 404.
    await this.writeLive(livePlaylistFrom(`#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:${HLS_SEGMENT_SECONDS}\n`, LIVE_WINDOW_SEGMENTS).text);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll()).catch((err) => this.options.onError?.(err));
    }, POLL_MS);
    this.timer.unref();
  }

  /** Re-derives live.m3u8 whenever ffmpeg replaced index.m3u8. */
  private async poll(): Promise<void> {
    const dvrPath = join(this.options.dir, DVR_PLAYLIST);
    const st = await stat(dvrPath).catch(() => null);
    if (!st) return;
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (stamp === this.lastStamp) return;
    this.lastStamp = stamp;
    const { text, segmentCount } = livePlaylistFrom(await readFile(dvrPath, 'utf8'), LIVE_WINDOW_SEGMENTS);
    await this.writeLive(text);
    if (!this.playable && segmentCount >= PLAYABLE_SEGMENTS) {
      this.playable = true;
      this.options.onPlayable();
    }
  }

  private async writeLive(text: string): Promise<void> {
    const tmp = join(this.options.dir, `${LIVE_PLAYLIST}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(this.options.dir, LIVE_PLAYLIST));
  }

  async finish(_outcome: JobOutcome): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling.catch(() => {});
    const dvrPath = join(this.options.dir, DVR_PLAYLIST);
    // ffmpeg writes ENDLIST when it exits cleanly; after a crash the playlist ends here anyway.
    const dvr = await readFile(dvrPath, 'utf8').catch(() => null);
    if (dvr !== null) {
      const ended = dvr.includes('#EXT-X-ENDLIST') ? dvr : `${dvr.trimEnd()}\n#EXT-X-ENDLIST\n`;
      if (ended !== dvr) await writeFile(dvrPath, ended).catch(() => {});
      await this.writeLive(livePlaylistFrom(ended, LIVE_WINDOW_SEGMENTS).text).catch(() => {});
    }
    if (this.options.record) {
      if (dvr !== null) await this.remux(dvrPath).catch((err) => this.options.onError?.(err));
      return;
    }
    const removal = setTimeout(() => void rm(this.options.dir, { recursive: true, force: true }), this.options.removeAfterMs ?? REMOVE_AFTER_MS);
    removal.unref();
  }

  /** The recording as one MP4: the segments copied, not re-encoded. */
  private remux(dvrPath: string): Promise<void> {
    const out = join(this.options.dir, RECORDING_FILE);
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', dvrPath, '-c', 'copy', '-movflags', '+faststart', out];
    return new Promise((resolve, reject) => {
      execFile(this.options.ffmpegPath, args, { timeout: 120_000 }, (err, _stdout, stderr) => {
        if (err) return reject(new Error(`remuxing the HLS recording failed: ${stderr.trim() || err.message}`));
        this.recordingPath = out;
        resolve();
      });
    });
  }
}
