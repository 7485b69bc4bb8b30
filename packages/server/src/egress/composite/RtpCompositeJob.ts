// One composite egress job without a browser: the room's streams come from the SFU as plain RTP
// (taps) into ffmpeg decoders (RoomFeeds); this job lays out the tiles, draws each frame, mixes the
// audio, and feeds both at a constant rate, paced by the wall clock, into one ffmpeg encoder that
// writes every output of the job. Ends once, with an outcome, whatever happens first.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { QUALITY_SIZE } from '@roomkit/protocol';
import { watchFfmpeg, type FfmpegWatch } from '../ffmpegWatch.js';
import { concludeJob } from '../jobEnd.js';
import type { CompositeJobHandle, EgressKind, JobHandlers, JobOutcome, StartJobParams } from '../types.js';
import { AUDIO_FD, COMPOSITE_FPS, buildEncoderArgs } from './encoderArgs.js';
import { computeLayout, sameLayout, type LayoutType, type Tile } from './layout.js';
import { RoomFeeds, type CompositeRoom } from './RoomFeeds.js';
import { SceneRenderer, THEMES } from './SceneRenderer.js';

const TICK_MS = 10;
const SYNC_MS = 200;
const AUDIO_FRAME_MS = 20;
/** Frames (or audio frames) owed to a stalled encoder before the job fails: it cannot keep up. */
const MAX_BEHIND_MS = 5_000;
/** Audio frames allowed to wait in the encoder's pipe before more are held back. */
const AUDIO_PIPE_FRAMES = 12;
const STARTED_AFTER_MS = 300;

export interface RtpCompositeRuntime {
  ffmpegPath: string;
  videoBitrate: number;
  /** Where the job's scratch files go (the boot sweep empties it: nothing outlives a crash). */
  tmpDir: string;
  /** The live room of the job's session, or null once it is gone. */
  room(): CompositeRoom | null;
  log: Logger;
}

export class RtpCompositeJob implements CompositeJobHandle {
  readonly kind: EgressKind;
  readonly roomId: string;
  readonly done: Promise<JobOutcome>;
  private resolveDone!: (o: JobOutcome) => void;
  private readonly feeds: RoomFeeds;
  private readonly renderer: SceneRenderer | null;
  private readonly layoutType: LayoutType;
  private tiles: Tile[] = [];
  private encoder: ChildProcess | null = null;
  private watch: FfmpegWatch | null = null;
  private video: Writable | null = null;
  private audio: Writable | null = null;
  private clock: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private startedAt: number | null = null;
  private clockStart = 0;
  private videoFrames = 0;
  private audioFrames = 0;
  private readonly audioRing: Buffer[];
  private audioRingIndex = 0;
  private ending: Promise<JobOutcome> | null = null;
  private lastFrame: Buffer | null = null;

  constructor(
    readonly id: string,
    readonly params: StartJobParams,
    private readonly handlers: JobHandlers,
    private readonly runtime: RtpCompositeRuntime,
  ) {
    this.kind = params.kind;
    this.roomId = params.roomId;
    this.done = new Promise((r) => (this.resolveDone = r));
    const theme = THEMES[params.config.theme === 'LIGHT' ? 'LIGHT' : 'DARK'];
    const size = QUALITY_SIZE[params.config.quality ?? 'med'];
    const portrait = params.config.orientation === 'portrait';
    this.renderer = params.config.mode === 'audio' ? null : new SceneRenderer(portrait ? size.height : size.width, portrait ? size.width : size.height, theme);
    this.layoutType = params.config.layout?.type ?? 'GRID';
    this.feeds = new RoomFeeds(id, join(runtime.tmpDir, `composite-${id}`), runtime.ffmpegPath, theme, runtime.log);
    // A few audio frames may sit in the pipe at once; each keeps its own buffer until written.
    this.audioRing = Array.from({ length: AUDIO_PIPE_FRAMES + 2 }, () => Buffer.alloc(0));
  }

  get pids(): number[] {
    return [this.encoder?.pid, ...this.feeds.pids].filter((p): p is number => p !== undefined);
  }

  get ended(): boolean {
    return this.ending !== null;
  }

  async start(): Promise<void> {
    for (const output of this.params.outputs) await output.prepare?.();
    await this.feeds.open();
    this.sync();
    const r = this.renderer;
    const args = buildEncoderArgs({
      ...(r ? { video: { width: r.width, height: r.height, bitrate: this.runtime.videoBitrate, gopSeconds: this.params.transcode?.gopSeconds ?? 2 } } : {}),
      outputs: this.params.outputs,
      ...(this.params.extraOutputArgs ? { extraOutputArgs: this.params.extraOutputArgs } : {}),
    });
    this.runtime.log.debug({ job: this.id, args }, 'starting the composite encoder');
    const ff = spawn(this.runtime.ffmpegPath, args, { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    this.encoder = ff;
    this.video = r ? ff.stdin! : null;
    this.audio = ff.stdio[AUDIO_FD] as Writable;
    if (!r) ff.stdin!.end();
    for (const pipe of [ff.stdin!, this.audio]) pipe.on('error', () => {}); // EPIPE when ffmpeg dies: reported through 'exit'
    this.watch = watchFfmpeg(
      ff,
      (line) => {
        for (const o of this.params.outputs) o.onFfmpegLine?.(line);
      },
      (message) => void this.end('failed', message),
    );
    await new Promise<void>((resolve, reject) => {
      ff.once('spawn', resolve);
      ff.once('error', reject);
    });
    this.clockStart = performance.now();
    this.clock = setInterval(() => this.tick(), TICK_MS);
    this.syncTimer = setInterval(() => this.sync(), SYNC_MS);
    this.tick();
    setTimeout(() => {
      if (this.ending) return;
      this.startedAt = Date.now();
      try {
        this.handlers.onStarted?.();
      } catch (err) {
        this.runtime.log.error({ err }, 'onStarted handler threw');
      }
    }, STARTED_AFTER_MS);
  }

  /** Lays the room out again and brings the feeds in line with it. */
  private sync(): void {
    const room = this.runtime.room();
    if (!room || room.closed) return;
    if (this.renderer) {
      const tiles = computeLayout({
        width: this.renderer.width,
        height: this.renderer.height,
        type: this.layoutType,
        people: RoomFeeds.people(room),
        speakerId: room.activeSpeakerId,
        presenterId: room.presenterId,
        gridSize: this.params.config.layout?.gridSize ?? 25,
        ...(this.params.config.layout?.priority === 'PIN' ? { pinnedIds: room.pins.cameraPinned() } : {}),
      });
      if (!sameLayout(tiles, this.tiles)) this.tiles = tiles;
    }
    this.feeds.sync(room, this.tiles, this.renderer !== null);
  }

  /** Writes every video and audio frame due by now, unless the encoder's pipes are full. */
  private tick(): void {
    if (this.ending) return;
    const elapsed = performance.now() - this.clockStart;
    const r = this.renderer;
    const video = this.video;
    if (r && video) {
      const due = Math.floor((elapsed * COMPOSITE_FPS) / 1000) + 1;
      let fresh = true;
      while (this.videoFrames < due && video.writableLength < (r.ringSize - 2) * this.frameBytes(r)) {
        // Catching up after a stall: repeat the newest frame rather than draw several at once.
        if (fresh || !this.lastFrame) this.lastFrame = r.render(this.tiles, (tile) => this.feeds.image(tile)).data;
        fresh = false;
        video.write(this.lastFrame);
        this.videoFrames++;
      }
      if (((due - this.videoFrames) * 1000) / COMPOSITE_FPS > MAX_BEHIND_MS) return void this.end('failed', this.behind('video'));
    }
    const audio = this.audio;
    if (!audio) return;
    const due = Math.floor(elapsed / AUDIO_FRAME_MS) + 1;
    while (this.audioFrames < due && audio.writableLength < AUDIO_PIPE_FRAMES * 3840) {
      const mixed = this.feeds.mixer.mixFrame();
      let slot = this.audioRing[this.audioRingIndex]!;
      if (slot.length !== mixed.length) slot = this.audioRing[this.audioRingIndex] = Buffer.alloc(mixed.length);
      this.audioRingIndex = (this.audioRingIndex + 1) % this.audioRing.length;
      mixed.copy(slot);
      audio.write(slot);
      this.audioFrames++;
    }
    if ((due - this.audioFrames) * AUDIO_FRAME_MS > MAX_BEHIND_MS) void this.end('failed', this.behind('audio'));
  }

  private frameBytes(r: SceneRenderer): number {
    return (r.width * r.height * 3) / 2;
  }

  private behind(what: string): string {
    return `the composite encoder fell ${MAX_BEHIND_MS / 1000} s behind real time (${what}): this server is too busy for another ${this.params.config.quality ?? 'med'} composite`;
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
    if (this.clock) clearInterval(this.clock);
    if (this.syncTimer) clearInterval(this.syncTimer);
    await this.watch?.finish(() => {
      this.encoder?.stdin!.end();
      this.audio?.end();
    });
    const room = this.runtime.room();
    await this.feeds.close(room && !room.closed ? room : null);
    const outcome = await concludeJob({ id: this.id, roomId: this.roomId, params: this.params, handlers: this.handlers, startedAt: this.startedAt, log: this.runtime.log }, reason, error);
    this.resolveDone(outcome);
    return outcome;
  }
}
