// One egress job's lifetime: the compositor page feeding WebM chunks over the ingest socket into
// one ffmpeg writing every output. Ends once, with an outcome, whatever dies first.
import { spawn, type ChildProcess } from 'node:child_process';
import type { WebSocket } from 'ws';
import type { Logger } from 'pino';
import { buildFfmpegArgs } from './ffmpegArgs.js';
import { watchFfmpeg, type FfmpegWatch } from './ffmpegWatch.js';
import { CompositorProcess } from './CompositorProcess.js';
import { concludeJob } from './jobEnd.js';
import type { CompositeJobHandle, EgressKind, JobHandlers, JobOutcome, StartJobParams } from './types.js';

/** How long the page may take to join and send its first chunk. */
const FIRST_MEDIA_TIMEOUT_MS = 30_000;
/** After asking the page to stop: time for its last chunk before stdin is closed anyway. */
const PAGE_FLUSH_MS = 4_000;

export interface JobRuntime {
  ffmpegPath: string;
  chromiumPath: string;
  /** Where the Chromium profile goes. */
  tmpDir: string;
  /** The compose page URL for this job (with its token and key). */
  composeUrl: string;
  videoBitrate: number;
  log: Logger;
}

export class EgressJob implements CompositeJobHandle {
  readonly kind: EgressKind;
  readonly roomId: string;
  private compositor: CompositorProcess | null = null;
  private ffmpeg: ChildProcess | null = null;
  private ingest: WebSocket | null = null;
  private startedAt: number | null = null;
  private ending: Promise<JobOutcome> | null = null;
  private stopRequested: JobOutcome['reason'] | null = null;
  private firstMediaTimer: NodeJS.Timeout | null = null;
  private ffmpegWatch: FfmpegWatch | null = null;
  /** Resolves when the job has fully ended (processes gone, outputs finished). */
  readonly done: Promise<JobOutcome>;
  private resolveDone!: (o: JobOutcome) => void;

  constructor(
    readonly id: string,
    /** Shared secret of the compose page's ingest socket. */
    readonly key: string,
    readonly params: StartJobParams,
    private readonly handlers: JobHandlers,
    private readonly runtime: JobRuntime,
  ) {
    this.kind = params.kind;
    this.roomId = params.roomId;
    this.done = new Promise((r) => (this.resolveDone = r));
  }

  get pids(): number[] {
    return [this.compositor?.pid, this.ffmpeg?.pid].filter((p): p is number => p !== undefined);
  }

  get ended(): boolean {
    return this.ending !== null;
  }

  async start(): Promise<void> {
    for (const output of this.params.outputs) await output.prepare?.();
    this.compositor = await CompositorProcess.launch(
      this.runtime.chromiumPath,
      this.runtime.composeUrl,
      (code, signal) => {
        if (!this.ending) void this.end('failed', `the compositor browser exited (${signal ?? `code ${code}`})`);
      },
      (line) => {
        if (/CONSOLE|ERROR:/.test(line)) this.runtime.log.debug({ job: this.id, line }, 'compositor');
      },
      this.runtime.tmpDir,
    );
    this.firstMediaTimer = setTimeout(() => {
      if (this.startedAt === null) void this.end('failed', `no media from the compositor within ${FIRST_MEDIA_TIMEOUT_MS / 1000} s`);
    }, FIRST_MEDIA_TIMEOUT_MS);
  }

  /** The compose page connected its ingest socket (key already checked). */
  attachIngest(ws: WebSocket): void {
    if (this.ingest || this.ending) {
      ws.close(1008, 'job already has an ingest or is over');
      return;
    }
    this.ingest = ws;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.onChunk(data as Buffer);
      let msg: { type?: string; mime?: string; message?: string };
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (msg.type === 'hello' && typeof msg.mime === 'string') this.spawnFfmpeg(msg.mime);
      else if (msg.type === 'ended' && !this.ending) void this.end('meeting-ended');
      else if (msg.type === 'error' && !this.ending) void this.end('failed', `compositor: ${msg.message ?? 'unknown error'}`);
      else if (msg.type === 'log') this.runtime.log.debug({ job: this.id, msg: msg.message }, 'compositor page');
    });
    ws.on('close', () => {
      this.ingest = null;
      if (!this.ending) void this.end('failed', 'the compositor page disconnected');
    });
  }

  private spawnFfmpeg(mime: string): void {
    if (this.ffmpeg) return;
    const args = buildFfmpegArgs({
      inputMime: mime,
      audioOnly: this.params.config.mode === 'audio',
      transcode: this.params.transcode,
      videoBitrate: this.runtime.videoBitrate,
      outputs: this.params.outputs,
      extraOutputArgs: this.params.extraOutputArgs,
    });
    this.runtime.log.debug({ job: this.id, args }, 'starting ffmpeg');
    const ff = spawn(this.runtime.ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    this.ffmpeg = ff;
    ff.stdin!.on('error', () => {}); // EPIPE when ffmpeg dies: reported through 'exit'
    this.ffmpegWatch = watchFfmpeg(
      ff,
      (line) => {
        for (const o of this.params.outputs) o.onFfmpegLine?.(line);
      },
      (message) => {
        if (!this.ending) void this.end('failed', message);
      },
    );
  }

  private onChunk(chunk: Buffer): void {
    const ff = this.ffmpeg;
    if (!ff || this.stopRequested === 'failed' || !ff.stdin!.writable) return;
    ff.stdin!.write(chunk);
    if (this.startedAt === null) {
      this.startedAt = Date.now();
      if (this.firstMediaTimer) clearTimeout(this.firstMediaTimer);
      try {
        this.handlers.onStarted?.();
      } catch (err) {
        this.runtime.log.error({ err }, 'onStarted handler threw');
      }
    }
  }

  /** Stops the job, finishing its outputs; resolves with the outcome. Safe to call repeatedly. */
  stop(reason: 'stopped' | 'meeting-ended' | 'shutdown' = 'stopped'): Promise<JobOutcome> {
    return this.end(reason);
  }

  private end(reason: JobOutcome['reason'], error?: string): Promise<JobOutcome> {
    this.ending ??= this.teardown(reason, error);
    return this.ending;
  }

  private async teardown(reason: JobOutcome['reason'], error?: string): Promise<JobOutcome> {
    this.stopRequested = reason;
    if (this.firstMediaTimer) clearTimeout(this.firstMediaTimer);
    const ws = this.ingest;
    // Let the page flush its recorder: its socket closes after the last chunk.
    if (ws && reason !== 'failed' && ws.readyState === ws.OPEN) {
      const closed = new Promise<void>((r) => ws.once('close', () => r()));
      ws.send(JSON.stringify({ type: 'stop' }));
      await Promise.race([closed, new Promise((r) => setTimeout(r, PAGE_FLUSH_MS))]);
    }
    ws?.terminate();
    await this.ffmpegWatch?.finish(() => this.ffmpeg?.stdin!.end());
    await this.compositor?.kill();
    const outcome = await concludeJob({ id: this.id, roomId: this.roomId, params: this.params, handlers: this.handlers, startedAt: this.startedAt, log: this.runtime.log }, reason, error);
    this.resolveDone(outcome);
    return outcome;
  }
}
