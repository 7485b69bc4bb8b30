// The HLS kind: one composite as 2-second segments under <dataDir>/hls/<roomId>/<id>/, served by
// our HTTP routes behind two master playlists, `playback.m3u8` (→ `index.m3u8`, DVR: every
// segment) and `livestream.m3u8` (→ `live.m3u8`, live edge); HLS_PLAYABLE once two segments exist;
// with `config.recording.enabled` the stream is kept (VOD playlist + MP4).
import { rm } from 'node:fs/promises';
import { QUALITY_SIZE } from '@roomkit/protocol';
import type { CompositeConfig, EgressOutput, JobOutcome } from '../types.js';
import { AUDIO_BITRATE, BITRATE } from '../EgressManager.js';
import { COMPOSITE_FPS } from '../composite/encoderArgs.js';
import type { KindContext, KindHandler } from '../EgressService.js';
import { JobRecords, type JobRecordBase } from '../JobRecords.js';
import type { SqliteDatabase } from '../../webhooks/SqliteWebhookOutbox.js';
import { HlsCapture, type CaptureRequest, type CaptureResult } from './HlsCapture.js';
import { HlsOutput, hlsDirOf, hlsPaths, RECORDING_FILE, type ExpectedStream } from './HlsOutput.js';

export interface HlsRecord extends JobRecordBase {
  /** URL paths (relative to the server's origin). */
  playbackHlsUrl: string;
  livestreamUrl: string;
  playable: boolean;
  /** With recording enabled: the MP4's URL path once written. */
  recordingUrl: string | null;
  /** Kept after it ends (`config.recording.enabled`): the boot sweep keeps a cut-off one's files. */
  keep?: boolean;
  error?: string;
}

export interface HlsKindDeps {
  dataDir: string;
  ffmpegPath: string;
  ffprobePath: string;
  /** The server's URL for absolute links in webhooks (participants and REST resolve paths themselves). */
  publicBaseUrl(): string;
  onError?(err: unknown): void;
  /** Where job records persist (absent: memory only). */
  db?: SqliteDatabase;
  /** Seconds of DVR index.m3u8 keeps (0: all); read per job. */
  dvrWindowSeconds?(): number;
}

export class HlsKind implements KindHandler {
  readonly records: JobRecords<HlsRecord>;
  private readonly outputsByJob = new Map<string, HlsOutput>();
  private readonly captures: HlsCapture;

  constructor(private readonly deps: HlsKindDeps) {
    this.records = new JobRecords('hls', deps.db);
    this.captures = new HlsCapture({ ffmpegPath: deps.ffmpegPath });
  }

  /**
   * A thumbnail of a running stream (`POST /v2/hls/capture`); null when that job has no playable
   * stream (not started, stopped, or no segment yet). The file's URL path is `urlPath`.
   */
  async capture(jobId: string, req: CaptureRequest): Promise<(CaptureResult & { urlPath: string }) | null> {
    const record = this.records.get(jobId);
    const output = this.outputsByJob.get(jobId);
    if (!record || !output || !record.playable || record.status !== 'ongoing') return null;
    const result = await this.captures.capture(output, req);
    return { ...result, urlPath: `${record.playbackHlsUrl.slice(0, record.playbackHlsUrl.lastIndexOf('/') + 1)}${result.fileName}` };
  }

  /** Removes a stream's files and record (DELETE /v2/hls/:id); the job must have ended. */
  async remove(id: string): Promise<void> {
    const record = this.records.get(id);
    if (!record) return;
    await rm(hlsDirOf(this.deps.dataDir, record.roomId, id), { recursive: true, force: true });
    this.records.remove(id);
  }

  /** Absolute URLs of a stream for webhook bodies. */
  private absolute(paths: { playbackHlsUrl: string; livestreamUrl: string }) {
    const base = this.deps.publicBaseUrl();
    return { playbackHlsUrl: `${base}${paths.playbackHlsUrl}`, livestreamUrl: `${base}${paths.livestreamUrl}` };
  }

  outputs(ctx: KindContext): EgressOutput[] {
    const paths = hlsPaths(ctx.roomId, ctx.jobId);
    const record = this.records.add({
      id: ctx.jobId,
      roomId: ctx.roomId,
      sessionId: ctx.sessionId,
      start: new Date(),
      end: null,
      status: 'ongoing',
      ...paths,
      playable: false,
      recordingUrl: null,
      keep: ctx.config.recording?.enabled === true,
    });
    const output = new HlsOutput({
      dir: hlsDirOf(this.deps.dataDir, ctx.roomId, ctx.jobId),
      record: ctx.config.recording?.enabled === true,
      dvrWindowSeconds: this.deps.dvrWindowSeconds?.() ?? 0,
      ffmpegPath: this.deps.ffmpegPath,
      ffprobePath: this.deps.ffprobePath,
      expected: expectedStream(ctx.config),
      onPlayable: () => {
        record.playable = true;
        this.records.save(record);
        ctx.setState('HLS_PLAYABLE', paths, { id: ctx.jobId, ...this.absolute(paths) });
      },
      onError: this.deps.onError,
    });
    this.outputsByJob.set(ctx.jobId, output);
    return [output];
  }

  /** Where players fetch the stream, from HLS_STARTED on (URL paths). */
  stateInfo(ctx: KindContext): { playbackHlsUrl: string; livestreamUrl: string } {
    return hlsPaths(ctx.roomId, ctx.jobId);
  }

  onStarted(ctx: KindContext): Record<string, unknown> {
    return this.absolute(hlsPaths(ctx.roomId, ctx.jobId));
  }

  async onEnded(ctx: KindContext, outcome: JobOutcome): Promise<Record<string, unknown>> {
    const record = this.records.get(ctx.jobId);
    const output = this.outputsByJob.get(ctx.jobId);
    this.outputsByJob.delete(ctx.jobId);
    if (!record) return {};
    record.end = new Date();
    record.status = outcome.reason === 'failed' ? 'failed' : 'ended';
    if (outcome.error) record.error = outcome.error;
    if (output?.recordingPath) record.recordingUrl = `${record.playbackHlsUrl.slice(0, record.playbackHlsUrl.lastIndexOf('/') + 1)}${RECORDING_FILE}`;
    this.records.save(record);
    const base = this.deps.publicBaseUrl();
    return {
      ...this.absolute(record),
      ...(record.recordingUrl ? { fileUrl: `${base}${record.recordingUrl}` } : {}),
    };
  }
}

/** What the composite encoder is asked for (EgressManager, encoderArgs.ts), for the masters until a segment is probed. */
export function expectedStream(config: CompositeConfig): ExpectedStream {
  if (config.mode === 'audio') return { audioBitrate: AUDIO_BITRATE };
  const quality = config.quality ?? 'med';
  const size = QUALITY_SIZE[quality];
  const portrait = config.orientation === 'portrait';
  return {
    video: { width: portrait ? size.height : size.width, height: portrait ? size.width : size.height, frameRate: COMPOSITE_FPS, bitrate: BITRATE[quality] },
    audioBitrate: AUDIO_BITRATE,
  };
}
