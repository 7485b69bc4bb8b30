// Recording, livestream and HLS from the SDK: start/stop requests, and the `egressState` events
// that become recording-/livestream-/hls-state-changed with Meeting's state properties.
import type { EgressKind, EgressStateInfo, RtmpOutput, ServerEvent } from '@roomkit/protocol';
import type { SignalingClient } from './SignalingClient.js';
import { RoomkitError, validateRtmpOutputs } from './protocolRuntime.js';

export interface EgressHost {
  signaling(): SignalingClient | null;
  /** Applies a state to Meeting (property + event). */
  applyState(info: EgressStateInfo): void;
  /** The server's URL: HLS URLs arrive as paths on it (`/hls/<room>/<id>/playback.m3u8`). */
  baseUrl?(): string | undefined;
  /** Null when `action` may run now; else the error the host has already emitted (3035 or 3065). */
  notJoined(action: string): RoomkitError | null;
  /** Emits a failure as the meeting's `error` event. */
  reportError(err: unknown): void;
}

export interface StartEgressOptions {
  config?: Record<string, unknown>;
  webhookUrl?: string;
  awsDirPath?: string;
  outputs?: RtmpOutput[];
}

export class EgressClient {
  constructor(private readonly host: EgressHost) {}

  /**
   * Runs a start/stop the app asked for: it needs a joined meeting (rejects with 3035, or 3065
   * while reconnecting), and a failure is also emitted as `error` (as VideoSDK does).
   */
  async call(action: string, run: () => Promise<void>): Promise<void> {
    const notJoined = this.host.notJoined(action);
    if (notJoined) throw notJoined;
    try {
      await run();
    } catch (err) {
      this.host.reportError(err);
      throw err;
    }
  }

  async start(kind: EgressKind, opts: StartEgressOptions): Promise<void> {
    // Destination mistakes are INVALID_LIVESTREAM_CONFIG naming the field, before any round trip.
    if (kind === 'livestream') opts = { ...opts, outputs: validateRtmpOutputs(opts.outputs) };
    const signaling = this.host.signaling();
    if (!signaling) throw new Error('not joined');
    await signaling.request({
      t: 'startEgress',
      kind,
      ...(opts.config !== undefined && { config: opts.config }),
      ...(opts.webhookUrl !== undefined && { webhookUrl: opts.webhookUrl }),
      ...(opts.awsDirPath !== undefined && { awsDirPath: opts.awsDirPath }),
      ...(opts.outputs !== undefined && { outputs: opts.outputs }),
    } as never);
  }

  async stop(kind: EgressKind): Promise<void> {
    const signaling = this.host.signaling();
    if (!signaling) throw new Error('not joined');
    await signaling.request({ t: 'stopEgress', kind });
  }

  /** States in the join result (late joiners). */
  applyJoin(states: EgressStateInfo[] | undefined): void {
    for (const s of states ?? []) this.host.applyState(this.resolve(s));
  }

  onEvent(ev: Extract<ServerEvent, { t: 'egressState' }>): void {
    const { t: _t, ...info } = ev;
    this.host.applyState(this.resolve(info));
  }

  /** Absolute HLS URLs for the app (players on any origin), resolved against the server's URL. */
  private resolve(info: EgressStateInfo): EgressStateInfo {
    const base = this.host.baseUrl?.();
    if (!base) return info;
    const abs = (u: string | undefined) => (u === undefined ? undefined : new URL(u, base).href);
    return {
      ...info,
      ...(info.playbackHlsUrl !== undefined && { playbackHlsUrl: abs(info.playbackHlsUrl) }),
      ...(info.livestreamUrl !== undefined && { livestreamUrl: abs(info.livestreamUrl) }),
    };
  }
}
