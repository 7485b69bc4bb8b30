// Runs egress jobs on this node: checks ffmpeg (and Chromium, for the browser compositor) before a
// job starts, limits how many run at once (egress must not starve the SFU), starts each composite
// with the configured compositor — in-process from the SFU's RTP (`ffmpeg`, the default) or a
// headless Chromium page (`chromium`: mints its hidden-participant token, accepts its ingest
// socket) — and stops everything on shutdown.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { QUALITY_SIZE, RoomkitError, type ErrorCodeName } from '@roomkit/protocol';
import { logger } from '../logger.js';
import { EgressJob } from './EgressJob.js';
import { RtpCompositeJob } from './composite/RtpCompositeJob.js';
import type { CompositeRoom } from './composite/RoomFeeds.js';
import type { JobLimits } from './JobLimits.js';
import type { CompositeJobHandle, JobHandlers, StartJobParams } from './types.js';
import { refuseUpgrade } from '../signaling/refuseUpgrade.js';

export const EGRESS_INGEST_PATH = '/egress/ingest';
export const EGRESS_COMPOSE_PATH = '/egress/compose';

export interface EgressManagerOptions {
  ffmpegPath: string;
  chromiumPath: string;
  maxConcurrentJobs: number;
  /** Who draws composites: in-process from the SFU's RTP (`ffmpeg`) or a headless browser page (`chromium`). */
  compositor: 'ffmpeg' | 'chromium';
  /** The live room `roomId` (for the in-process compositor), if any. */
  room(roomId: string): CompositeRoom | undefined;
  /** A join token for the hidden compositor participant of `roomId`. */
  mintToken(roomId: string, participantId: string): string;
  /** Scratch files of jobs (decoder inputs, Chromium profiles); emptied at boot. Default: the OS temp dir. */
  tmpDir?: string;
  /** The free-space floor checked before every job (absent: none). */
  limits?: Pick<JobLimits, 'assertSpace'>;
}

/** Composite video bitrate per quality, bits/s (HLS master playlists announce it too). */
export const BITRATE = { low: 1_000_000, med: 2_500_000, high: 4_500_000 } as const;
/** Composite audio (AAC) bitrate, bits/s, as encoderArgs.ts / ffmpegArgs.ts set it. */
export const AUDIO_BITRATE = 128_000;

export class EgressManager {
  private readonly jobs = new Map<string, CompositeJobHandle>();
  /** Jobs run outside this manager (participant/track recordings: ffmpeg only), counted in the limit. */
  private readonly reserved = new Set<string>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private readonly log = logger('egress:Manager');
  private baseUrl = '';
  private closed = false;

  constructor(private readonly opts: EgressManagerOptions) {}

  /** The server's own URL as the compositor reaches it (known once it listens). */
  setBaseUrl(url: string): void {
    this.baseUrl = url;
  }

  get running(): CompositeJobHandle[] {
    return [...this.jobs.values()];
  }

  /** Throws `code` if a job could not start now: binaries missing, too many jobs. */
  async preflight(code: ErrorCodeName, opts: { chromium?: boolean } = {}): Promise<void> {
    const chromium = opts.chromium ?? this.opts.compositor === 'chromium';
    this.checkCapacity(code);
    await this.opts.limits?.assertSpace(code);
    if (!(await runs(this.opts.ffmpegPath))) {
      throw new RoomkitError(code, `ffmpeg not found or not runnable at "${this.opts.ffmpegPath}": install Debian's ffmpeg or set egress.ffmpegPath`);
    }
    if (!chromium) return;
    if (!(await access(this.opts.chromiumPath, constants.X_OK).then(() => true, () => false))) {
      throw new RoomkitError(code, `Chromium not found at "${this.opts.chromiumPath}": install Debian's chromium or set egress.chromiumPath`);
    }
  }

  private checkCapacity(code: ErrorCodeName): void {
    if (this.closed) throw new RoomkitError(code, 'the server is shutting down');
    const running = this.jobs.size + this.reserved.size;
    if (running >= this.opts.maxConcurrentJobs) {
      throw new RoomkitError(code, `this server already runs ${running} egress jobs (egress.maxConcurrentJobs = ${this.opts.maxConcurrentJobs}); stop one or raise the limit`);
    }
  }

  /** Counts a job run elsewhere (an RTP recording) against the limit; throws `code` when full. */
  reserve(id: string, code: ErrorCodeName): void {
    this.checkCapacity(code);
    this.reserved.add(id);
  }

  release(id: string): void {
    this.reserved.delete(id);
  }

  /** Starts a composite job with the configured compositor. */
  async startJob(id: string, params: StartJobParams, handlers: JobHandlers): Promise<CompositeJobHandle> {
    const tracked: JobHandlers = {
      onStarted: handlers.onStarted,
      onEnded: (outcome) => {
        this.jobs.delete(id);
        handlers.onEnded?.(outcome);
      },
    };
    const quality = params.config.quality ?? 'med';
    const sessionId = this.opts.room(params.roomId)?.sessionId;
    const job = this.opts.compositor === 'chromium'
      ? this.browserJob(id, params, tracked)
      : new RtpCompositeJob(id, params, tracked, {
          ffmpegPath: this.opts.ffmpegPath,
          videoBitrate: BITRATE[quality],
          tmpDir: this.opts.tmpDir ?? tmpdir(),
          // Only the session the job started in: a new session of the same room is not this job's.
          room: () => {
            const room = this.opts.room(params.roomId);
            return room && room.sessionId === sessionId ? room : null;
          },
          log: this.log,
        });
    this.jobs.set(id, job);
    try {
      await job.start();
    } catch (err) {
      this.jobs.delete(id);
      await job.stop('stopped').catch(() => {});
      throw err;
    }
    return job;
  }

  /** A job drawn by a headless Chromium on our compose page; ffmpeg starts when the page sends its first chunk. */
  private browserJob(id: string, params: StartJobParams, handlers: JobHandlers): EgressJob {
    const key = randomBytes(16).toString('hex');
    const quality = params.config.quality ?? 'med';
    const size = QUALITY_SIZE[quality];
    const portrait = params.config.orientation === 'portrait';
    const query = new URLSearchParams({
      job: id,
      key,
      room: params.roomId,
      token: this.opts.mintToken(params.roomId, `egress-${id}`),
      w: String(portrait ? size.height : size.width),
      h: String(portrait ? size.width : size.height),
      layout: params.config.layout?.type ?? 'GRID',
      mode: params.config.mode ?? 'video-and-audio',
      theme: params.config.theme ?? 'DARK',
      vbps: String(BITRATE[quality]),
    });
    if (params.only) {
      query.set('only', params.only.participantId);
      if (params.only.kinds) query.set('kinds', params.only.kinds.join(','));
    }
    return new EgressJob(id, key, params, handlers, {
      ffmpegPath: this.opts.ffmpegPath,
      chromiumPath: this.opts.chromiumPath,
      tmpDir: this.opts.tmpDir ?? tmpdir(),
      composeUrl: `${this.baseUrl}${EGRESS_COMPOSE_PATH}?${query}`,
      videoBitrate: BITRATE[quality],
      log: this.log,
    });
  }

  /** Upgrade handler for the ingest path; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== EGRESS_INGEST_PATH) return false;
    const job = this.jobs.get(url.searchParams.get('job') ?? '');
    if (!(job instanceof EgressJob) || url.searchParams.get('key') !== job.key) {
      refuseUpgrade(socket, 403, 'Forbidden');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => job.attachIngest(ws));
    return true;
  }

  /** Stops every job, finishing its files (server shutdown). */
  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.jobs.values()].map((job) => job.stop('shutdown')));
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

const runnable = new Map<string, boolean>();

/** True if `path -version` starts (the result is cached once it did). */
function runs(path: string): Promise<boolean> {
  if (runnable.get(path)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const child = spawn(path, ['-version'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => {
      const ok = code === 0;
      if (ok) runnable.set(path, true);
      resolve(ok);
    });
  });
}
