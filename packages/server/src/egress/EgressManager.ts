// Runs egress jobs on this node: checks ffmpeg and Chromium before a job starts, limits how many
// run at once (egress must not starve the SFU), mints the compositor's hidden-participant token,
// accepts the compose pages' ingest sockets, and stops everything on shutdown.
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { QUALITY_SIZE, RoomkitError, type ErrorCodeName } from '@roomkit/protocol';
import { logger } from '../logger.js';
import { EgressJob } from './EgressJob.js';
import type { JobHandlers, StartJobParams } from './types.js';

export const EGRESS_INGEST_PATH = '/egress/ingest';
export const EGRESS_COMPOSE_PATH = '/egress/compose';

export interface EgressManagerOptions {
  ffmpegPath: string;
  chromiumPath: string;
  maxConcurrentJobs: number;
  /** A join token for the hidden compositor participant of `roomId`. */
  mintToken(roomId: string, participantId: string): string;
}

const BITRATE = { low: 1_000_000, med: 2_500_000, high: 4_500_000 } as const;

export class EgressManager {
  private readonly jobs = new Map<string, EgressJob>();
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

  get running(): EgressJob[] {
    return [...this.jobs.values()];
  }

  /** Throws `code` if a job could not start now: binaries missing, too many jobs. */
  async preflight(code: ErrorCodeName, opts: { chromium?: boolean } = {}): Promise<void> {
    this.checkCapacity(code);
    if (!(await runs(this.opts.ffmpegPath))) {
      throw new RoomkitError(code, `ffmpeg not found or not runnable at "${this.opts.ffmpegPath}": install Debian's ffmpeg or set egress.ffmpegPath`);
    }
    if (opts.chromium === false) return;
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

  /** Launches a job's compositor; ffmpeg starts when the page sends its first chunk. */
  async startJob(id: string, params: StartJobParams, handlers: JobHandlers): Promise<EgressJob> {
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
    const job = new EgressJob(id, key, params, {
      onStarted: handlers.onStarted,
      onEnded: (outcome) => {
        this.jobs.delete(id);
        handlers.onEnded?.(outcome);
      },
    }, {
      ffmpegPath: this.opts.ffmpegPath,
      chromiumPath: this.opts.chromiumPath,
      composeUrl: `${this.baseUrl}${EGRESS_COMPOSE_PATH}?${query}`,
      videoBitrate: BITRATE[quality],
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

  /** Upgrade handler for the ingest path; returns false for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== EGRESS_INGEST_PATH) return false;
    const job = this.jobs.get(url.searchParams.get('job') ?? '');
    if (!job || url.searchParams.get('key') !== job.key) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
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
