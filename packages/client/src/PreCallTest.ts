// VideoSDK.runPreCallTest(): opens the camera and microphone as a meeting would, then measures the
// path to the Roomkit server (round trips, download, upload over HTTP) for `samplingDuration`.
// One test at a time; stop() ends it early and the promise resolves with `aborted: true`.
import { cameraConstraints, microphoneConstraints, type CameraTrackOptions, type MicrophoneTrackOptions } from './devices.js';
import { Logger } from '@roomkit/client-core';
import { NetworkProbe, scoreNetwork, summarizeRtt, type NetworkQualityScore } from './NetworkProbe.js';
import { PreCallTestError, type PreCallTestErrorCode } from './PreCallTestError.js';
import { validatePreCallOptions, type PreCallTestOptions } from './preCallOptions.js';

export type { PreCallTestOptions };

export interface PreCallMediaReport {
  /** `skipped`: audioOnly (camera), or the test was stopped before this phase. */
  status: 'passed' | 'failed' | 'skipped';
  /** Whether the track came from the app (videoTrack/audioTrack) rather than the test. */
  custom: boolean;
  deviceId?: string;
  label?: string;
  /** The track's MediaTrackSettings as the browser reports them (width, height, frameRate, ...). */
  settings?: MediaTrackSettings;
  error?: { code: PreCallTestErrorCode; message: string };
}

export interface PreCallLink {
  /** Mbit/s measured over HTTP transfers to/from the server (a lower bound: round trips included). */
  mbps: number;
  quality: NetworkQualityScore;
}

export interface PreCallNetworkQuality {
  status: 'running' | 'passed' | 'failed' | 'skipped';
  /** Overall score from rtt, jitter and the slower link. */
  quality: NetworkQualityScore | null;
  /** Mean HTTP round trip to the server, ms. */
  rtt: number | null;
  /** Mean difference between successive round trips, ms. */
  jitter: number | null;
  downlink: PreCallLink | null;
  uplink: PreCallLink | null;
  /** Round-trip samples taken. */
  samples: number;
  /** The server measured against. */
  serverUrl: string;
  error?: { code: PreCallTestErrorCode; message: string };
}

export interface PreCallTestResult {
  aborted: boolean;
  /** Wall time of the whole test, ms. */
  testDuration: number;
  camera: PreCallMediaReport;
  microphone: PreCallMediaReport;
  networkQuality: PreCallNetworkQuality;
}

export type PreCallTestPromise = Promise<PreCallTestResult> & { stop(): Promise<void> };

const log = new Logger(false, 'roomkit:precall');
const RTT_INTERVAL_MS = 1_000;
/** Download and upload are measured on the first tick and then every this many ticks. */
const THROUGHPUT_EVERY_TICKS = 5;

let running: PreCallTest | null = null;

/** The entry point behind VideoSDK.runPreCallTest. */
export function runPreCallTest(options: PreCallTestOptions): PreCallTestPromise {
  let test: PreCallTest | null = null;
  let promise: Promise<PreCallTestResult>;
  try {
    const valid = validatePreCallOptions(options);
    if (running) throw new PreCallTestError('ERROR_PRECALL_TEST_ALREADY_RUNNING');
    test = new PreCallTest(valid);
    running = test;
    promise = test.run().finally(() => {
      if (running === test) running = null;
    });
  } catch (err) {
    promise = Promise.reject(err);
  }
  return Object.assign(promise, { stop: () => (test ? test.stop() : Promise.resolve()) });
}

const skipped = (custom = false): PreCallMediaReport => ({ status: 'skipped', custom });

class PreCallTest {
  private readonly abort = new AbortController();
  private readonly ownTracks: MediaStreamTrack[] = [];
  private done: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ReturnType<typeof validatePreCallOptions>) {}

  get aborted(): boolean {
    return this.abort.signal.aborted;
  }

  private whenAborted(): Promise<null> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      if (signal.aborted) resolve(null);
      else signal.addEventListener('abort', () => resolve(null), { once: true });
    });
  }

  /** Idempotent; resolves once the test has released everything. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.done.catch(() => undefined);
  }

  run(): Promise<PreCallTestResult> {
    const p = this.runInner().finally(() => {
      for (const t of this.ownTracks) t.stop();
    });
    this.done = p;
    return p;
  }

  private async runInner(): Promise<PreCallTestResult> {
    const t0 = performance.now();
    const o = this.options;
    const probe = new NetworkProbe(o.signalingBaseUrl, this.abort.signal);
    const network: PreCallNetworkQuality = { status: 'skipped', quality: null, rtt: null, jitter: null, downlink: null, uplink: null, samples: 0, serverUrl: probe.baseUrl };
    const result = (): PreCallTestResult => ({ aborted: this.aborted, testDuration: Math.round(performance.now() - t0), camera, microphone, networkQuality: { ...network } });
    let camera = skipped(!!o.videoTrack);
    let microphone = skipped(!!o.audioTrack);

    await this.checkToken(probe, o.token);
    if (this.aborted) return result();

    // stop() must not wait for a permission prompt nobody answers: race the media phase with it.
    const media = Promise.all([
      o.audioOnly ? skipped() : this.media('video', o.videoTrack, o.videoConfig),
      this.media('audio', o.audioTrack, o.audioConfig),
    ]);
    const reports = await Promise.race([media, this.whenAborted()]);
    if (!reports || this.aborted) return result();
    [camera, microphone] = reports;
    if (camera.status !== 'passed' && microphone.status !== 'passed') {
      const detail = [camera.error, microphone.error].filter(Boolean).map((e) => `${e!.code}: ${e!.message}`).join('; ');
      throw new PreCallTestError('ERROR_PRECALL_MEDIA_CHECK_FAILED', detail ? `(${detail})` : undefined);
    }

    await this.measure(probe, network);
    return result();
  }

  /** Malformed tokens fail here; a well-formed one is shown to the server, which alone can verify it. */
  private async checkToken(probe: NetworkProbe, token: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(`${probe.baseUrl}/v2/rooms?page=1&perPage=1`, { headers: { authorization: token }, cache: 'no-store', signal: this.abort.signal });
    } catch (err) {
      // Unreachable (or a cross-origin server without CORS): the network phase will say so.
      if (!this.aborted) log.debug('token check: server not reachable', err);
      return;
    }
    if (res.status === 401) {
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      throw new PreCallTestError('ERROR_PRECALL_INVALID_TOKEN', `(server: ${body?.error?.message ?? 'HTTP 401'})`);
    }
  }

  private async media(kind: 'video' | 'audio', custom: MediaStream | undefined, config: CameraTrackOptions | MicrophoneTrackOptions | undefined): Promise<PreCallMediaReport> {
    const video = kind === 'video';
    let track: MediaStreamTrack | undefined;
    if (custom) {
      track = (video ? custom.getVideoTracks() : custom.getAudioTracks()).find((t) => t.readyState === 'live');
      if (!track) return failed(true, video ? 'ERROR_INVALID_CUSTOM_VIDEO_TRACK' : 'ERROR_INVALID_CUSTOM_AUDIO_TRACK');
    } else {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(video ? { video: cameraConstraints(config ?? {}) } : { audio: microphoneConstraints(config ?? {}) });
        if (this.aborted) {
          // Granted after stop(): the test is over, close the device at once.
          for (const t of stream.getTracks()) t.stop();
          return skipped();
        }
        track = stream.getTracks()[0]!;
        this.ownTracks.push(...stream.getTracks());
      } catch (err) {
        return failed(false, captureErrorCode(kind, err), `(${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.message ?? String(err)})`);
      }
    }
    if (track.readyState !== 'live') return failed(!!custom, video ? 'ERROR_WEBCAM_TRACK_ENDED' : 'ERROR_MICROPHONE_TRACK_ENDED');
    const settings = track.getSettings();
    return { status: 'passed', custom: !!custom, deviceId: settings.deviceId, label: track.label, settings };
  }

  private async measure(probe: NetworkProbe, network: PreCallNetworkQuality): Promise<void> {
    const rtts: number[] = [];
    let lastError: unknown;
    const deadline = performance.now() + this.options.samplingDuration;
    network.status = 'running';
    for (let tick = 0; performance.now() < deadline && !this.aborted; tick++) {
      const tickStart = performance.now();
      try {
        rtts.push(await probe.rtt());
        if (tick % THROUGHPUT_EVERY_TICKS === 0) {
          const down = await probe.download();
          const up = await probe.upload();
          network.downlink = { mbps: round(down.mbps), quality: scoreNetwork({ rtt: 0, jitter: 0, mbps: down.mbps }) };
          network.uplink = { mbps: round(up.mbps), quality: scoreNetwork({ rtt: 0, jitter: 0, mbps: up.mbps }) };
        }
      } catch (err) {
        if (this.aborted) break;
        lastError = err;
      }
      const summary = summarizeRtt(rtts);
      if (summary) {
        const slowest = Math.min(network.downlink?.mbps ?? Infinity, network.uplink?.mbps ?? Infinity);
        Object.assign(network, { rtt: round(summary.rtt), jitter: round(summary.jitter), samples: rtts.length, quality: scoreNetwork({ ...summary, mbps: Number.isFinite(slowest) ? slowest : null }) });
      }
      this.report(network);
      await sleep(RTT_INTERVAL_MS - (performance.now() - tickStart), this.abort.signal);
    }
    if (rtts.length === 0 && !this.aborted) {
      network.status = 'failed';
      const e = new PreCallTestError('ERROR_PRECALL_TEST_FAILED', `(${probe.baseUrl}: ${String((lastError as Error)?.message ?? lastError ?? 'no sample')})`);
      network.error = { code: e.code, message: e.message };
    } else {
      network.status = rtts.length > 0 ? 'passed' : 'skipped';
    }
  }

  private report(network: PreCallNetworkQuality): void {
    if (!this.options.onStatsChange || this.aborted) return;
    try {
      this.options.onStatsChange({ ...network });
    } catch (err) {
      log.error('an onStatsChange callback threw:', err);
    }
  }
}

function failed(custom: boolean, code: PreCallTestErrorCode, detail?: string): PreCallMediaReport {
  const e = new PreCallTestError(code, detail);
  return { status: 'failed', custom, error: { code: e.code, message: e.message } };
}

/** getUserMedia's DOMException names → VideoSDK's pre-call codes. */
export function captureErrorCode(kind: 'video' | 'audio', err: unknown): PreCallTestErrorCode {
  const name = (err as { name?: string } | null)?.name;
  const video = kind === 'video';
  switch (name) {
    case 'NotFoundError':
      return video ? 'ERROR_CAMERA_NOT_FOUND' : 'ERROR_MICROPHONE_NOT_FOUND';
    case 'NotAllowedError':
    case 'SecurityError':
      return video ? 'ERROR_CAMERA_ACCESS_DENIED_OR_DISMISSED' : 'ERROR_MICROPHONE_ACCESS_DENIED_OR_DISMISSED';
    case 'NotReadableError':
      return video ? 'ERROR_CAMERA_IN_USE' : 'ERROR_MICROPHONE_IN_USE';
    case 'OverconstrainedError':
      return video ? 'ERROR_CAMERA_CONSTRAINT_NOT_SATISFIED' : 'ERROR_MICROPHONE_CONSTRAINT_NOT_SATISFIED';
    default:
      return video ? 'ERROR_VIDEO_SOURCE_INITIATION_FAILED' : 'ERROR_AUDIO_SOURCE_INITIATION_FAILED';
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
