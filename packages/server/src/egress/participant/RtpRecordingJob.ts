// One ffmpeg recording plain RTP from the SFU's taps into a fragmented MP4: picks the UDP ports,
// hands ffmpeg the SDP, says when ffmpeg listens (taps may start) and when the file holds media,
// and ends once, with an outcome, whether stopped or dead.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { JobOutcome } from '../types.js';
import { watchFfmpeg, type FfmpegWatch } from '../ffmpegWatch.js';
import { allocatePortPair, buildRtpFfmpegArgs, buildSdp, portsBound, releasePortPair, type RtpInputStream } from './rtpInput.js';

const LISTEN_TIMEOUT_MS = 5_000;
/**
 * The shell ffmpeg runs under. ffmpeg reading RTP stops on SIGINT only after its next packet: once
 * it is transcoding, one SIGINT does not interrupt a read that waits, a second one does (a fourth
 * would skip the file's ending). When the server dies, even by kill -9, nobody sends packets any
 * more and the kernel's parent-death notice is one signal, so this shell takes it (and stop()'s
 * SIGINT) and gives ffmpeg two SIGINTs a second apart, once. ffmpeg gets SIGKILL if the shell dies
 * (stop()'s SIGKILL after FFMPEG_EXIT_MS). stdin (the SDP) is passed through on fd 3: a background
 * command's stdin would be /dev/null.
 */
const FFMPEG_WRAPPER = [
  'exec 3<&0',
  'setpriv --pdeathsig KILL -- "$@" <&3 3<&- &',
  'p=$!',
  'exec 3<&-',
  `trap 'trap "" INT TERM; kill -INT $p 2>/dev/null; sleep 1; kill -INT $p 2>/dev/null' INT TERM`,
  'while :; do wait $p; s=$?; kill -0 $p 2>/dev/null || exit $s; done',
].join('\n');

export interface RtpRecordingParams {
  kinds: Array<'audio' | 'video'>;
  outputPath: string;
  width: number;
  height: number;
  videoBitrate: number;
}

export class RtpRecordingJob {
  /** ffmpeg's RTP port per kind (valid after start()). */
  readonly ports = new Map<'audio' | 'video', number>();
  private ffmpeg: ChildProcess | null = null;
  private watch: FfmpegWatch | null = null;
  private ending: Promise<JobOutcome> | null = null;
  private startedAt: number | null = null;
  private onEnd: ((outcome: JobOutcome) => void) | null = null;

  constructor(
    readonly id: string,
    private readonly params: RtpRecordingParams,
    private readonly ffmpegPath: string,
    private readonly log: Logger,
  ) {}

  get pid(): number | undefined {
    return this.ffmpeg?.pid;
  }

  /** Called once when the job ends for any reason (ffmpeg died, stopped, shut down). */
  onEnded(listener: (outcome: JobOutcome) => void): void {
    this.onEnd = listener;
  }

  /** Starts ffmpeg and resolves once it listens on every port; throws if it does not. */
  async start(): Promise<void> {
    const streams: RtpInputStream[] = [];
    for (const kind of this.params.kinds) {
      const port = await allocatePortPair();
      this.ports.set(kind, port);
      streams.push({ kind, port });
    }
    const args = buildRtpFfmpegArgs({ ...this.params, streams });
    this.log.debug({ job: this.id, args }, 'starting ffmpeg for RTP');
    // setpriv (exec, same pid): if the server dies, even by kill -9, the wrapper gets SIGINT and
    // ffmpeg closes the file cleanly instead of waiting forever on ports nobody sends to any more.
    const ff = spawn('setpriv', ['--pdeathsig', 'INT', '--', 'sh', '-c', FFMPEG_WRAPPER, 'ffmpeg-wrapper', this.ffmpegPath, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    this.ffmpeg = ff;
    ff.stdin!.on('error', () => {});
    ff.stdin!.end(buildSdp(streams));
    this.watch = watchFfmpeg(ff, () => {}, (message) => {
      if (!this.ending) void this.end('failed', message);
    });
    const ports = [...this.ports.values()];
    const deadline = Date.now() + LISTEN_TIMEOUT_MS;
    while (!(await portsBound(ports))) {
      if (this.ending) throw new Error(`ffmpeg did not start: ${this.watch.tail() || 'exited'}`);
      if (Date.now() > deadline) {
        await this.stop('stopped');
        throw new Error(`ffmpeg did not listen on its RTP ports within ${LISTEN_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves true once the file holds media (ffmpeg got keyframe/audio and wrote its header). */
  async waitForMedia(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ending && Date.now() < deadline) {
      const size = await stat(this.params.outputPath).then((s) => s.size, () => 0);
      if (size > 0) {
        this.startedAt ??= Date.now();
        return true;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  /** Stops ffmpeg (it finishes the file); resolves with the outcome. Safe to call repeatedly. */
  stop(reason: 'stopped' | 'meeting-ended' | 'shutdown' | 'failed' = 'stopped', error?: string): Promise<JobOutcome> {
    return this.end(reason, error);
  }

  private end(reason: JobOutcome['reason'], error?: string): Promise<JobOutcome> {
    this.ending ??= this.teardown(reason, error);
    return this.ending;
  }

  private async teardown(reason: JobOutcome['reason'], error?: string): Promise<JobOutcome> {
    // One SIGINT to the wrapper: ffmpeg gets two (see FFMPEG_WRAPPER), for taps that are idle.
    await this.watch?.finish(() => this.ffmpeg?.kill('SIGINT'));
    for (const port of this.ports.values()) releasePortPair(port);
    const outcome: JobOutcome = {
      reason,
      ...(error !== undefined ? { error } : {}),
      durationSeconds: this.startedAt === null ? 0 : (Date.now() - this.startedAt) / 1000,
    };
    if (error) this.log.warn({ job: this.id, error }, 'RTP recording failed');
    try {
      this.onEnd?.(outcome);
    } catch (err) {
      this.log.error({ err }, 'onEnded listener threw');
    }
    return outcome;
  }
}
