// Egress as participants and webhooks see it: per room and kind, the state machine
// *_STARTING → STARTED (→ HLS_PLAYABLE) → STOPPING → STOPPED, the `egressState` broadcast, the
// webhooks, and the API.md error codes. What each kind writes comes from its KindHandler.
import { randomBytes } from 'node:crypto';
import { ErrorCode, RoomkitError, type EgressStateInfo, type EgressStatus, type ErrorCodeName } from '@roomkit/protocol';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { SessionRef } from '../rooms/hooks.js';
import { logger } from '../logger.js';
import { OutboundRefusedError, type OutboundPolicy } from '../webhooks/OutboundPolicy.js';
import type { EgressManager } from './EgressManager.js';
import type { JobLimits, LimitReached } from './JobLimits.js';
import type { CompositeConfig, CompositeJobHandle, EgressControl, EgressKind, EgressOutput, EgressStartRequest, JobOutcome, StartJobParams } from './types.js';
import { egressDuration } from '../metrics/appMetrics.js';

const PREFIX = { recording: 'RECORDING', livestream: 'LIVESTREAM', hls: 'HLS' } as const;
const CODES: Record<EgressKind, { start: ErrorCodeName; stop: ErrorCodeName; failed: ErrorCodeName }> = {
  recording: { start: 'START_RECORDING_FAILED', stop: 'STOP_RECORDING_FAILED', failed: 'RECORDING_FAILED' },
  livestream: { start: 'START_LIVESTREAM_FAILED', stop: 'STOP_LIVESTREAM_FAILED', failed: 'LIVESTREAM_FAILED' },
  hls: { start: 'START_HLS_FAILED', stop: 'STOP_HLS_FAILED', failed: 'HLS_FAILED' },
};
const WORD = { recording: 'recording', livestream: 'livestream', hls: 'HLS stream' } as const;

/** What a kind's handler gets for one job. */
export interface KindContext {
  jobId: string;
  roomId: string;
  sessionId: string;
  config: CompositeConfig;
  request: EgressStartRequest;
  /** Moves the state on (e.g. HLS_PLAYABLE with its URLs); also emits the matching webhook. */
  setState(status: EgressStatus, extra?: Partial<EgressStateInfo>, webhookData?: Record<string, unknown>): void;
}

/** One egress kind (recording, livestream, hls): its outputs and bookkeeping. */
export interface KindHandler {
  /** Throws a RoomkitError (e.g. INVALID_LIVESTREAM_CONFIG) for a request it cannot serve. */
  validate?(request: EgressStartRequest): void;
  outputs(ctx: KindContext): Promise<EgressOutput[]> | EgressOutput[];
  jobParams?(ctx: KindContext): Partial<Pick<StartJobParams, 'transcode' | 'extraOutputArgs' | 'only'>>;
  /** Extra webhook data for `<kind>-started`. */
  onStarted?(ctx: KindContext): Record<string, unknown> | void;
  /** Extra state from *_STARTED on (HLS: the playlist URL paths), sent to participants. */
  stateInfo?(ctx: KindContext): Partial<EgressStateInfo>;
  /** After the job ended and its outputs finished; returns extra data for `<kind>-stopped`. */
  onEnded?(ctx: KindContext, outcome: JobOutcome): Promise<Record<string, unknown> | void>;
}

/**
 * Sends one webhook event about a session (room subscription, global URL, and `extraUrl`);
 * `extraGuarded`: `extraUrl` came from a participant (checked again at every delivery).
 */
export type EgressNotifier = (session: SessionRef, type: string, data: Record<string, unknown>, extraUrl?: string, extraGuarded?: boolean) => void;

/** Whether a request's webhookUrl and destinations came from a participant (see EgressStartRequest.origin). */
export const fromParticipant = (request: Pick<EgressStartRequest, 'origin'>): boolean => request.origin !== 'operator';

/**
 * Refuses a participant's webhook URL that is not http(s) or points at a refused address, with
 * `code` and a message that names the field, never a resolved address. A host that does not
 * resolve now is let through: every delivery resolves and checks again at connect time.
 */
export async function checkParticipantWebhookUrl(outbound: OutboundPolicy, url: string, code: ErrorCodeName): Promise<void> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new RoomkitError(code, 'webhookUrl: not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new RoomkitError(code, 'webhookUrl: must be an http:// or https:// URL');
  try {
    await outbound.check(target.hostname);
  } catch (err) {
    if (err instanceof OutboundRefusedError && !err.unresolved) throw new RoomkitError(code, `webhookUrl: ${err.message}`);
    if (!(err instanceof OutboundRefusedError)) throw err;
  }
}

interface Entry {
  ctx: KindContext;
  status: EgressStatus;
  info: EgressStateInfo;
  job: CompositeJobHandle | null;
  /** Settles once the job's end is fully handled (store rows written, STOPPED sent). */
  finished: Promise<void>;
  markFinished: () => void;
  /** Stops watching the job's disk and duration limits. */
  unwatch: () => void;
  /** A limit stopped the job: the disk (→ failed with this message) or its maximum duration. */
  limit: LimitReached | null;
}

export class EgressService implements EgressControl {
  private readonly handlers = new Map<EgressKind, KindHandler>();
  private readonly entries = new Map<string, Entry>();
  private readonly log = logger('egress:Service');

  constructor(
    private readonly rooms: Pick<RoomManager, 'room' | 'liveSession'>,
    private readonly manager: EgressManager,
    private readonly notify: EgressNotifier,
    private readonly outbound: OutboundPolicy,
    private readonly limits: Pick<JobLimits, 'watch'> | null = null,
  ) {}

  register(kind: EgressKind, handler: KindHandler): void {
    this.handlers.set(kind, handler);
  }

  states(roomId: string): EgressStateInfo[] {
    return [...this.entries.values()].filter((e) => e.ctx.roomId === roomId).map((e) => ({ ...e.info }));
  }

  /** The running job of a room and kind, if any (for REST and tests). */
  job(roomId: string, kind: EgressKind): { jobId: string; status: EgressStatus } | null {
    const e = this.entries.get(`${roomId}\u0000${kind}`);
    return e ? { jobId: e.ctx.jobId, status: e.status } : null;
  }

  async start(request: EgressStartRequest): Promise<{ id: string }> {
    const { kind, roomId } = request;
    const codes = CODES[kind];
    const handler = this.handlers.get(kind);
    if (!handler) throw new RoomkitError(codes.start, `${WORD[kind]} is not available on this server`);
    const key = `${roomId}\u0000${kind}`;
    const current = this.entries.get(key);
    if (current) throw new RoomkitError(codes.start, `a ${WORD[kind]} is already running in room "${roomId}" (${current.status}); stop it first`);
    const live = this.rooms.liveSession(roomId);
    if (!live) throw new RoomkitError(codes.start, `room "${roomId}" has no ongoing session: someone must join the meeting first`);
    handler.validate?.(request);
    if (request.webhookUrl && fromParticipant(request)) await checkParticipantWebhookUrl(this.outbound, request.webhookUrl, codes.start);
    await this.manager.preflight(codes.start);
    if (this.entries.has(key)) throw new RoomkitError(codes.start, `a ${WORD[kind]} is already running in room "${roomId}"`);

    const jobId = randomBytes(10).toString('hex');
    const config = request.config ?? {};
    let markFinished!: () => void;
    const finished = new Promise<void>((r) => (markFinished = r));
    const entry: Entry = { ctx: undefined as unknown as KindContext, status: `${PREFIX[kind]}_STARTING` as EgressStatus, info: { kind, status: `${PREFIX[kind]}_STARTING` as EgressStatus }, job: null, finished, markFinished, unwatch: () => {}, limit: null };
    entry.ctx = {
      jobId,
      roomId,
      sessionId: live.sessionId,
      config,
      request,
      setState: (status, extra = {}, webhookData = {}) => this.setState(entry, status, extra, webhookData),
    };
    this.entries.set(key, entry);
    let outputs: EgressOutput[];
    try {
      outputs = await handler.outputs(entry.ctx);
    } catch (err) {
      this.entries.delete(key);
      throw err instanceof RoomkitError ? err : new RoomkitError(codes.start, `could not prepare the ${WORD[kind]}: ${(err as Error).message}`, { cause: err });
    }
    this.setState(entry, `${PREFIX[kind]}_STARTING` as EgressStatus, {}, { id: jobId });
    try {
      entry.job = await this.manager.startJob(jobId, { roomId, kind, config, outputs, ...handler.jobParams?.(entry.ctx) }, {
        onStarted: () => {
          const extra = handler.onStarted?.(entry.ctx) ?? {};
          this.setState(entry, `${PREFIX[kind]}_STARTED` as EgressStatus, handler.stateInfo?.(entry.ctx) ?? {}, { id: jobId, ...extra });
        },
        onEnded: (outcome) => void this.onEnded(key, entry, handler, outcome),
      });
      if (this.limits && !entry.job.ended) entry.unwatch = this.limits.watch((reached) => this.onLimit(entry, reached));
    } catch (err) {
      this.log.warn({ err, roomId, kind }, 'egress job did not start');
      await this.onEnded(key, entry, handler, { reason: 'failed', error: (err as Error).message, durationSeconds: 0 });
      throw new RoomkitError(codes.start, `the ${WORD[kind]} could not start: ${(err as Error).message}`, { cause: err });
    }
    return { id: jobId };
  }

  async stop(roomId: string, kind: EgressKind, _by?: string, opts: { wait?: boolean } = {}): Promise<void> {
    const entry = this.entries.get(`${roomId}\u0000${kind}`);
    const stopping = entry?.status.endsWith('_STOPPING');
    if (!entry || stopping) {
      throw new RoomkitError(CODES[kind].stop, stopping ? `the ${WORD[kind]} of room "${roomId}" is already stopping` : `no ${WORD[kind]} is running in room "${roomId}"`);
    }
    this.setState(entry, `${PREFIX[kind]}_STOPPING` as EgressStatus, {}, { id: entry.ctx.jobId });
    void entry.job?.stop('stopped');
    if (opts.wait) await entry.finished;
  }

  /**
   * A limit was crossed: the job stops like a stop request (outputs finished). Low disk ends as
   * `<KIND>_FAILED` with the reason; the maximum duration as a plain stop whose
   * `<kind>-stopped` webhook says `reason: 'max-duration'`.
   */
  private onLimit(entry: Entry, reached: LimitReached): void {
    if (entry.status.endsWith('_STOPPING') || entry.status.endsWith('_STOPPED')) return;
    entry.limit = reached;
    this.log.warn({ roomId: entry.ctx.roomId, kind: entry.info.kind, job: entry.ctx.jobId, limit: reached.limit }, reached.message);
    this.setState(entry, `${PREFIX[entry.info.kind]}_STOPPING` as EgressStatus, {}, { id: entry.ctx.jobId });
    void entry.job?.stop('stopped');
  }

  /** The meeting ended: its jobs finish their outputs. */
  onSessionEnded(session: SessionRef): void {
    for (const entry of this.entries.values()) {
      if (entry.ctx.roomId === session.roomId && entry.ctx.sessionId === session.sessionId) void entry.job?.stop('meeting-ended');
    }
  }

  private async onEnded(key: string, entry: Entry, handler: KindHandler, ended: JobOutcome): Promise<void> {
    entry.unwatch();
    const outcome: JobOutcome = entry.limit?.limit === 'disk' ? { ...ended, reason: 'failed', error: entry.limit.message } : ended;
    const kind = entry.info.kind;
    egressDuration.observe({ kind, outcome: outcome.reason }, outcome.durationSeconds);
    const ref = { roomId: entry.ctx.roomId, sessionId: entry.ctx.sessionId };
    if (outcome.reason === 'failed') {
      // A participant's RTMP destinations: ffmpeg's socket errors stay in the server log.
      const why = kind === 'livestream' && fromParticipant(entry.ctx.request) && /tee|slave|rtmp|connect|refused|timed out|resolv|network|host/i.test(outcome.error ?? '') ? 'every destination refused, dropped or did not answer the stream' : outcome.error;
      const message = `the ${WORD[kind]} failed: ${why ?? 'unknown error'}`;
      this.rooms.room(ref.roomId)?.broadcast({ t: 'error', error: { code: ErrorCode[CODES[kind].failed], message } });
      this.notify(ref, `${kind}-failed`, { id: entry.ctx.jobId, error: message }, entry.ctx.request.webhookUrl, fromParticipant(entry.ctx.request));
    }
    let extra: Record<string, unknown> = {};
    try {
      extra = (await handler.onEnded?.(entry.ctx, outcome)) ?? {};
    } catch (err) {
      this.log.error({ err, kind }, 'egress onEnded handler failed');
    }
    if (this.entries.get(key) === entry) this.entries.delete(key);
    if (entry.limit?.limit === 'duration') extra = { ...extra, reason: 'max-duration' };
    this.setState(entry, `${PREFIX[kind]}_STOPPED` as EgressStatus, {}, { id: entry.ctx.jobId, ...extra });
    entry.markFinished();
  }

  /** Stops every job and waits until each is fully handled (server shutdown). */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    await this.manager.closeAll();
    await Promise.all(entries.map((e) => e.finished));
  }

  private setState(entry: Entry, status: EgressStatus, extra: Partial<EgressStateInfo>, webhookData: Record<string, unknown>): void {
    entry.status = status;
    entry.info = { ...entry.info, ...extra, status };
    const room = this.rooms.room(entry.ctx.roomId);
    if (room && room.sessionId === entry.ctx.sessionId) room.broadcast({ t: 'egressState', ...entry.info });
    const suffix = status.slice(status.indexOf('_') + 1).toLowerCase();
    this.notify({ roomId: entry.ctx.roomId, sessionId: entry.ctx.sessionId }, `${entry.info.kind}-${suffix}`, webhookData, entry.ctx.request.webhookUrl, fromParticipant(entry.ctx.request));
  }

}
