// One HLS stream as an egress output: ffmpeg's hls muxer writes 2-second MPEG-TS segments and the
// DVR playlist (`index.m3u8`, every segment, EVENT type); this class derives the live-edge playlist
// (`live.m3u8`, the last few segments) from it, writes a master playlist in front of each
// (`playback.m3u8` → index.m3u8, `livestream.m3u8` → live.m3u8: the URLs handed out), reports when
// a player can start (≥ 2 segments, master complete), and at the end either keeps the stream as a
// recording or removes its files after a grace period.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { teeEscape } from '../ffmpegArgs.js';
import type { EgressOutput, JobOutcome } from '../types.js';
import { livePlaylistFrom, parsePlaylist } from './livePlaylist.js';
import { masterPlaylist, type Variant } from './masterPlaylist.js';
import { probeSegment, type SegmentInfo } from './segmentProbe.js';

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
/** Master playlists, the URLs players get: `playbackHlsUrl` (→ DVR) and `livestreamUrl` (→ live edge). */
export const PLAYBACK_MASTER = 'playback.m3u8';
export const LIVE_MASTER = 'livestream.m3u8';
export const RECORDING_FILE = 'recording.mp4';
/** Thumbnails of `POST /v2/hls/capture`. */
export const captureFileName = (n: number) => `capture_${String(n).padStart(5, '0')}.jpg`;

/** Files a client may fetch from an HLS directory; nothing else is ever served from it. */
export const HLS_FILE_PATTERN = /^(index\.m3u8|live\.m3u8|playback\.m3u8|livestream\.m3u8|seg_\d{5,9}\.ts|recording\.mp4|capture_\d{5,9}\.jpg)$/;

export function hlsDirOf(dataDir: string, roomId: string, id: string): string {
  return join(dataDir, 'hls', roomId, id);
}

/** URL paths of a stream (relative to the server's origin; edges make them absolute). */
export function hlsPaths(roomId: string, id: string): { playbackHlsUrl: string; livestreamUrl: string } {
  const base = `/hls/${encodeURIComponent(roomId)}/${encodeURIComponent(id)}`;
  return { playbackHlsUrl: `${base}/${PLAYBACK_MASTER}`, livestreamUrl: `${base}/${LIVE_MASTER}` };
}

/** What the job's encoder was told to make: the master playlist's values until a segment is probed. */
export interface ExpectedStream {
  /** Absent: audio only (`mode: 'audio'`). */
  video?: { width: number; height: number; frameRate: number; bitrate: number };
  audioBitrate: number;
}

/** MPEG-TS overhead over the encoders' bitrates (packet headers, PES, PAT/PMT, padding); an allowance, not measured. */
const TS_OVERHEAD = 1.08;

export interface SegmentStats {
  count: number;
  seconds: number;
  bytes: number;
  /** Highest bits/s of one segment. */
  peakBps: number;
}

export interface HlsOutputOptions {
  dir: string;
  /** Keep the stream after it ends: the DVR playlist as VOD and `recording.mp4` (remuxed, no re-encode). */
  record: boolean;
  ffmpegPath: string;
  /** Reads the first segment's codecs, size and frame rate for the master playlists. */
  ffprobePath: string;
  expected: ExpectedStream;
  /** Once, when the DVR playlist first holds PLAYABLE_SEGMENTS segments (and the masters say what they hold). */
  onPlayable(): void;
  onError?(err: unknown): void;
  removeAfterMs?: number;
  /**
   * DVR window: index.m3u8 keeps about this many seconds and ffmpeg deletes older segments
   * (0 or absent: every segment, an EVENT playlist). Not applied with `record` (the recording
   * is the whole stream; egressMaxJobSeconds and the free-space floor bound it).
   */
  dvrWindowSeconds?: number;
}

export class HlsOutput implements EgressOutput {
  readonly name = 'hls';
  private timer: NodeJS.Timeout | null = null;
  private lastStamp = '';
  private playable = false;
  private polling: Promise<void> = Promise.resolve();
  /** Absolute path of the MP4 once written (record: true). */
  recordingPath: string | null = null;
  /** The first segment as ffprobe read it (null until then, or if it could not). */
  probed: SegmentInfo | null = null;
  private probeTried = false;
  /** Sizes and durations of the segments so far (AVERAGE-BANDWIDTH, BANDWIDTH). */
  readonly stats: SegmentStats = { count: 0, seconds: 0, bytes: 0, peakBps: 0 };
  /** Thumbnails taken of this stream (HlsCapture numbers its files with it). */
  captureCount = 0;

  constructor(private readonly options: HlsOutputOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  teeSlave(): string {
    const dir = this.options.dir;
    const window = this.options.record ? 0 : (this.options.dvrWindowSeconds ?? 0);
    const opts = [
      'f=hls',
      `hls_time=${HLS_SEGMENT_SECONDS}`,
      // A sliding DVR window (segments past it deleted) or every segment (EVENT).
      ...(window > 0 ? [`hls_list_size=${Math.max(LIVE_WINDOW_SEGMENTS, Math.ceil(window / HLS_SEGMENT_SECONDS))}`] : ['hls_list_size=0', 'hls_playlist_type=event']),
      // temp_file: playlists and segments appear by rename, so nobody reads a half-written file.
      `hls_flags=program_date_time+independent_segments+temp_file${window > 0 ? '+delete_segments' : ''}`,
      `hls_segment_filename=${teeEscape(join(dir, 'seg_%05d.ts'))}`,
    ];
    return `[${opts.join(':')}]${teeEscape(join(dir, DVR_PLAYLIST))}`;
  }

  async prepare(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    // Players may ask for live.m3u8 before the first segment: an empty live playlist, not a 404.
    await this.writeLive(livePlaylistFrom(`#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:${HLS_SEGMENT_SECONDS}\n`, LIVE_WINDOW_SEGMENTS).text);
    // The URLs go out at HLS_STARTED, before any segment: until the first one is probed, the masters
    // carry what the encoder was asked for, without CODECS (better none than a guessed level).
    await this.writeMasters();
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
    const dvrText = await readFile(dvrPath, 'utf8');
    const { text, segmentCount } = livePlaylistFrom(dvrText, LIVE_WINDOW_SEGMENTS);
    await this.writeLive(text);
    await this.measure(dvrText);
    if (!this.playable && segmentCount >= PLAYABLE_SEGMENTS) {
      this.playable = true;
      this.options.onPlayable();
    }
  }

  private async writeLive(text: string): Promise<void> {
    await this.writeAtomically(LIVE_PLAYLIST, text);
  }

  private async writeAtomically(name: string, text: string): Promise<void> {
    const tmp = join(this.options.dir, `${name}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(this.options.dir, name));
  }

  /** Counts the segments new in the DVR playlist; probes the first one; rewrites the masters. */
  private async measure(dvrText: string): Promise<void> {
    // stats.count is the media sequence number of the next segment to measure: a DVR window
    // slides (MEDIA-SEQUENCE grows, old segments leave the playlist).
    const { segments, mediaSequence } = parsePlaylist(dvrText);
    const from = Math.max(0, this.stats.count - mediaSequence);
    if (segments.length <= from) return;
    if (this.stats.count < mediaSequence) this.stats.count = mediaSequence;
    for (const lines of segments.slice(from)) {
      const uri = lines.at(-1)!;
      const seconds = Number(lines.find((l) => l.startsWith('#EXTINF:'))?.slice('#EXTINF:'.length).split(',')[0]);
      const bytes = (await stat(join(this.options.dir, uri)).catch(() => null))?.size ?? 0;
      this.stats.count++;
      if (!(seconds > 0) || bytes === 0) continue;
      this.stats.seconds += seconds;
      this.stats.bytes += bytes;
      // A short last segment (the stream's end) says little about the peak.
      if (seconds >= HLS_SEGMENT_SECONDS / 2) this.stats.peakBps = Math.max(this.stats.peakBps, (bytes * 8) / seconds);
    }
    if (!this.probeTried) {
      this.probeTried = true;
      const first = join(this.options.dir, segments[0]!.at(-1)!);
      this.probed = await probeSegment(this.options.ffprobePath, first).catch((err) => {
        this.options.onError?.(err);
        return null;
      });
    }
    await this.writeMasters();
  }

  /** The picture's size (probed, else as the encoder was asked); null for an audio-only stream. */
  videoSize(): { width: number; height: number } | null {
    if (this.probed) return this.probed.video ? { width: this.probed.video.width, height: this.probed.video.height } : null;
    return this.options.expected.video ? { width: this.options.expected.video.width, height: this.options.expected.video.height } : null;
  }

  /** The variant both masters announce: probed values once known, the encoder's settings before. */
  variant(): Variant {
    const { expected } = this.options;
    const configured = ((expected.video?.bitrate ?? 0) + expected.audioBitrate) * TS_OVERHEAD;
    const averageBandwidth = this.stats.seconds > 0 ? (this.stats.bytes * 8) / this.stats.seconds : undefined;
    // BANDWIDTH is a peak: the highest segment so far, never below what the encoder may spend.
    const variant: Variant = { bandwidth: Math.max(configured, this.stats.peakBps), ...(averageBandwidth ? { averageBandwidth } : {}) };
    const probed = this.probed;
    if (probed) {
      const codecs = [probed.video?.codec, probed.audio?.codec];
      const present = [probed.video, probed.audio].filter(Boolean).length;
      const known = codecs.filter((c): c is string => !!c);
      if (known.length === present && present > 0) variant.codecs = known;
      if (probed.video) {
        variant.resolution = { width: probed.video.width, height: probed.video.height };
        if (probed.video.frameRate) variant.frameRate = probed.video.frameRate;
      }
    } else if (expected.video) {
      variant.resolution = { width: expected.video.width, height: expected.video.height };
      variant.frameRate = expected.video.frameRate;
    }
    return variant;
  }

  private async writeMasters(): Promise<void> {
    const variant = this.variant();
    await this.writeAtomically(PLAYBACK_MASTER, masterPlaylist(variant, DVR_PLAYLIST));
    await this.writeAtomically(LIVE_MASTER, masterPlaylist(variant, LIVE_PLAYLIST));
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
      await this.measure(ended).catch(() => {}); // the last segments count in the masters' bandwidths
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
