// The recording kind: one fragmented MP4 per job under
// `<dataDir>/recordings/<roomId>/<sessionId>/<id>.mp4`, a store row from start to end, and the
// `fileUrl` that `recording-stopped` and the REST API hand out.
import { execFile } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mp4FileSlave } from '../ffmpegArgs.js';
import type { KindContext, KindHandler } from '../EgressService.js';
import type { EgressOutput, JobOutcome } from '../types.js';
import type { RecordingStore } from './RecordingStore.js';

export interface RecordingKindOptions {
  dataDir: string;
  ffprobePath: string;
  store: RecordingStore;
  /** The server's public base URL, for `fileUrl` in webhooks. */
  baseUrl(): string;
}

export const recordingRelativePath = (roomId: string, sessionId: string, id: string) => join('recordings', roomId, sessionId, `${id}.mp4`);
export const recordingFileUrl = (base: string, id: string) => `${base}/v2/recordings/${encodeURIComponent(id)}/file`;

export class RecordingKind implements KindHandler {
  constructor(private readonly opts: RecordingKindOptions) {}

  async outputs(ctx: KindContext): Promise<EgressOutput[]> {
    const rel = recordingRelativePath(ctx.roomId, ctx.sessionId, ctx.jobId);
    const abs = join(this.opts.dataDir, rel);
    await this.opts.store.insert({ id: ctx.jobId, roomId: ctx.roomId, sessionId: ctx.sessionId, type: 'composite', participantId: null, filePath: rel, config: ctx.config });
    return [{ name: 'mp4 file', teeSlave: () => mp4FileSlave(abs), prepare: async () => void (await mkdir(dirname(abs), { recursive: true })) }];
  }

  onStarted(ctx: KindContext): Record<string, unknown> {
    return { recordingId: ctx.jobId };
  }

  async onEnded(ctx: KindContext, outcome: JobOutcome): Promise<Record<string, unknown>> {
    const rel = recordingRelativePath(ctx.roomId, ctx.sessionId, ctx.jobId);
    const abs = join(this.opts.dataDir, rel);
    const size = await stat(abs).then((s) => s.size, () => null);
    const duration = size ? await probeDuration(this.opts.ffprobePath, abs) : null;
    const usable = size !== null && size > 0 && duration !== null;
    await this.opts.store.finish(ctx.jobId, {
      status: usable ? 'completed' : 'failed',
      size,
      duration: duration ?? (usable ? outcome.durationSeconds : null),
      error: outcome.error ?? null,
    });
    return usable
      ? { recordingId: ctx.jobId, fileUrl: recordingFileUrl(this.opts.baseUrl(), ctx.jobId), filePath: rel, size, duration }
      : { recordingId: ctx.jobId };
  }
}

/** Seconds of media in a file, as ffprobe reads it; null if it cannot. */
export function probeDuration(ffprobePath: string, file: string): Promise<number | null> {
  return new Promise((resolve) => {
    execFile(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { timeout: 15_000 }, (err, stdout) => {
      const d = Number.parseFloat(String(stdout).trim());
      resolve(err || !Number.isFinite(d) ? null : Math.round(d * 100) / 100);
    });
  });
}
