// The platform-neutral meeting: join/leave lifecycle, signaling with resume, server events in
// arrival order through one handler table, participant bookkeeping, pins, active speaker and
// presenter, egress state, PubSub, realtime store, data messages, moderation and the lobby.
// A platform layer (browser SDK, Node client) extends it and supplies MeetingMedia.
import type { EgressStateInfo, IceServer, JoinResult, ParticipantInfo, Quality, ServerEvent } from '@roomkit/protocol';
import { hlsEvents, livestreamEvents, meetingStates, recordingEvents } from '@roomkit/protocol/sdkConstants';
import { applyEgressState } from './egressState.js';
import type { HlsState, LivestreamState, MeetingState, RecordingState } from '@roomkit/protocol/sdkConstants';
import { EgressClient } from './EgressClient.js';
import { EventEmitter, type EventMap } from './EventEmitter.js';
import type { Logger } from './Logger.js';
import { Moderation, type ModerationAction } from './Moderation.js';
import type { PinState } from './ParticipantBase.js';
import { ErrorCode, LeaveReason, RealtimeStore, RoomkitError, checkReliability, encodeDataPayload } from './protocolRuntime.js';
import type { ErrorCodeName } from './protocolRuntime.js';
import { PubSub } from './PubSub.js';
import { Reconnector } from './Reconnector.js';
import { SignalingClient, type SignalingHandlers } from './SignalingClient.js';
import { LEAVE_WAIT_MS, LOBBY_WAIT_MS } from './constants.js';
import { PRE_JOIN_EVENTS, dispatchServerEvent } from './serverEvents.js';
import { serverEventTable } from './serverEventTable.js';
import type { AnyParticipant, CoreMeetingEvents, EntryDecision, LeaveInfo, MeetingCoreOptions, MeetingMedia, PinType } from './coreTypes.js';

export type Phase = 'new' | 'joining' | 'joined' | 'leaving' | 'left' | 'failed';

const PIN_TYPES: readonly unknown[] = ['SHARE_AND_CAM', 'CAM', 'SHARE'];
type Emit = (event: string, ...args: unknown[]) => void;

export abstract class MeetingCore<P extends AnyParticipant, Events extends EventMap & CoreMeetingEvents<P>> extends EventEmitter<Events> {
  readonly id: string;
  readonly localParticipant: P;
  /**
   * Remote participants by id, for the app. VideoSDK's React SDK adds the local participant to this
   * very Map, so the core itself reads only `remotes`: whatever an app puts here is never taken for
   * a remote participant.
   */
  readonly participants = new Map<string, P>();
  readonly pinnedParticipants = new Map<string, PinState>();
  readonly pubSub: PubSub;
  /** A key/value store shared by everyone in the session (strings up to 1 KB, at most 100 keys). */
  readonly realtimeStore: RealtimeStore;
  activeSpeakerId: string | null = null;
  activePresenterId: string | null = null;
  recordingState: RecordingState = recordingEvents.RECORDING_STOPPED;
  livestreamState: LivestreamState = livestreamEvents.LIVESTREAM_STOPPED;
  hlsState: HlsState = hlsEvents.HLS_STOPPED;
  hlsUrls: { playbackHlsUrl: string | null; livestreamUrl: string | null } = { playbackHlsUrl: null, livestreamUrl: null };

  /** @internal */ protected readonly remotes = new Map<string, P>();
  /** @internal */ protected phase: Phase = 'new';
  /** @internal */ protected signaling: SignalingClient | null = null;
  /** @internal */ protected readonly log: Logger;
  /** @internal */ protected readonly moderation: Moderation;
  /** @internal */ protected readonly egress: EgressClient;
  /** @internal */ protected readonly reconnector: Reconnector;
  /** @internal What the platform does with media; set by the subclass's constructor. */
  protected abstract readonly platformMedia: MeetingMedia<P>;
  private state: MeetingState | null = null;
  private joinPromise: Promise<void> | null = null;
  /** Settles once the join result is applied and meeting-joined emitted (or the join failed). */
  private announced: Promise<void> = Promise.resolve();
  private joinApplied: () => void = () => {};
  private joinSettled: Promise<void> = Promise.resolve();
  private resumeInfo: { resumeToken: string; graceSeconds: number } | null = null;
  /** @internal STUN/TURN servers (the server's turnServers, credentials for us) for new peer connections; fresh after a resume. */
  protected iceServers: IceServer[] = [];
  private readonly handlers = serverEventTable(this as never);

  constructor(private readonly core: MeetingCoreOptions<P>) {
    super();
    this.id = core.meetingId;
    this.log = core.log;
    this.localParticipant = core.localParticipant;
    const joinedSignaling = () => (this.phase === 'joined' ? this.signaling : null);
    this.pubSub = new PubSub(joinedSignaling, this.log);
    this.realtimeStore = new RealtimeStore(joinedSignaling, (key, err) => this.log.warn(`a realtimeStore observer of '${key}' threw:`, err));
    this.moderation = new Moderation({
      signaling: joinedSignaling,
      localParticipantId: () => this.localParticipant.id,
      emitEntryRequested: (info) => this.emitCore('entry-requested', info),
      emitEntryResponded: (info) => this.emitCore('entry-responded', info.participantId, info.decision),
      emitMediaRequested: (kind, info) => this.emitCore(kind === 'audio' ? 'mic-requested' : 'webcam-requested', info),
      setOwnMedia: (kind, enabled) => this.platformMedia.setOwnMedia(kind, enabled),
      reportError: (err) => this.reportError(err),
    });
    this.egress = new EgressClient({
      signaling: joinedSignaling,
      applyState: (info) => this.applyEgressState(info),
      baseUrl: () => core.serverBaseUrl?.(),
      notJoined: (action) => this.notJoined(action),
      reportError: (err) => this.reportError(err),
    });
    this.reconnector = new Reconnector({
      log: this.log,
      createSocket: core.platform.createSocket,
      url: () => core.signalingUrl(),
      handlers: () => this.signalingHandlers(),
      current: () => this.signaling,
      credentials: () =>
        this.resumeInfo && { meetingId: this.id, participantId: this.localParticipant.id, resumeToken: this.resumeInfo.resumeToken, graceSeconds: this.resumeInfo.graceSeconds },
      stillWanted: () => this.phase === 'joined',
      reconnecting: () => this.setState('RECONNECTING'),
      resumed: (client, result) => {
        this.signaling = client;
        if (result?.iceServers) this.iceServers = result.iceServers;
        this.setState('CONNECTED');
        this.platformMedia.resumed();
      },
      gaveUp: (message) => {
        if (this.phase === 'joined') this.finish({ reason: LeaveReason.WEBSOCKET_DISCONNECTED, message });
      },
    });
  }

  /** The connection state last announced with `meeting-state-changed` (null before join()). */
  get meetingState(): MeetingState | null {
    return this.state;
  }

  /** Connects and joins; resolves once joined. Rejects (with `.code`) if joining fails. */
  join(): Promise<void> {
    if (this.phase === 'left') return Promise.reject(this.fail('ERROR_UNABLE_TO_JOIN_MEETING', 'This meeting was left; create a new one with VideoSDK.initMeeting()'));
    this.joinPromise ??= this.doJoin();
    return this.joinPromise;
  }

  async leave(): Promise<void> {
    if (this.phase === 'left' || this.phase === 'leaving') return;
    if (this.phase === 'new' || this.phase === 'failed') {
      this.fail('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'leave() was called before join()');
      return;
    }
    const wasJoined = this.phase === 'joined';
    this.phase = 'leaving';
    if (wasJoined && this.signaling) {
      const request = this.signaling.request({ t: 'leave' }).catch((err: unknown) => this.log.debug('leave request failed', err));
      await Promise.race([request, new Promise((r) => setTimeout(r, LEAVE_WAIT_MS))]);
    }
    this.finish({ reason: LeaveReason.MANUAL_LEAVE_CALLED, message: 'Participant manually called the leave() method' });
  }

  /** Ends the meeting for everyone (needs allow_mod); the server's `meetingLeft` then ends it here too. */
  async end(): Promise<void> {
    // As VideoSDK: a refusal is the `error` event, not a rejection.
    if (this.notJoined('end')) return;
    try {
      await this.signaling!.request({ t: 'end' });
    } catch (err) {
      this.reportError(err);
    }
  }

  /** Records the meeting as one composite MP4 on the server (needs allow_mod); state via `recording-state-changed`. */
  startRecording(webhookUrl?: string, awsDirPath?: string, config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startRecording', () => this.egress.start('recording', { webhookUrl: webhookUrl || undefined, awsDirPath: awsDirPath || undefined, config }));
  }
  stopRecording(): Promise<void> {
    return this.egress.call('stopRecording', () => this.egress.stop('recording'));
  }
  /** RTMP: the composite to 1..5 `{url, streamKey}` destinations (needs allow_mod); state via `livestream-state-changed`. */
  startLivestream(outputs: { url: string; streamKey: string }[], config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startLivestream', () => this.egress.start('livestream', { outputs, config }));
  }
  stopLivestream(): Promise<void> {
    return this.egress.call('stopLivestream', () => this.egress.stop('livestream'));
  }
  /** HLS served by the Roomkit server (needs allow_mod); URLs in `hlsUrls` and `hls-state-changed`. */
  startHls(config?: Record<string, unknown>): Promise<void> {
    return this.egress.call('startHls', () => this.egress.start('hls', { config }));
  }
  stopHls(): Promise<void> {
    return this.egress.call('stopHls', () => this.egress.stop('hls'));
  }
  /** Admits or denies someone waiting in the lobby (needs allow_join or allow_mod). */
  async respondEntry(participantId: string, decision: EntryDecision): Promise<void> {
    if (this.notJoined('respondEntry')) return;
    try {
      await this.moderation.respondEntry(participantId, decision);
    } catch (err) {
      this.reportError(err);
      throw err;
    }
  }

  /**
   * Sends text or bytes (ArrayBuffer, typed array, Blob; at most 15 KiB) to everyone else in the
   * meeting: their `data` event. Relayed by the server over signaling, so both reliability modes
   * are delivered in order; nothing is kept for late joiners.
   */
  async send(payload: string | ArrayBuffer | ArrayBufferView | Blob, options: { reliability?: string } = {}): Promise<void> {
    const reliability = checkReliability(options?.reliability);
    const wire = encodeDataPayload(typeof Blob !== 'undefined' && payload instanceof Blob ? await payload.arrayBuffer() : (payload as string | ArrayBuffer | ArrayBufferView));
    const notJoined = this.notJoined('send');
    if (notJoined) throw notJoined;
    await this.signaling!.request({ t: 'sendData', ...wire, reliability });
  }

  // ---- for the platform layer and the event table -------------------------------------------

  /** @internal A participant's moderation action (participant.remove(), .disableMic(), ...). */
  protected moderate(participant: P, action: ModerationAction): Promise<void> {
    return this.moderation.moderate(participant, action).catch((err: unknown) => {
      this.reportError(err);
      throw err;
    });
  }

  /** @internal participant.setQuality(). */
  protected async requestQuality(p: P, quality: Quality): Promise<void> {
    if (!['low', 'med', 'high'].includes(quality)) throw new RoomkitError('ERROR_INVALID_PARAMETER', `setQuality(): quality must be low, med or high, got ${String(quality)}`);
    if (this.phase !== 'joined' || !this.signaling) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'setQuality() needs a joined meeting');
    await this.signaling.request({ t: 'setQuality', participantId: p.id, quality });
  }

  /** @internal pin()/unpin(). Joined: the server pins for everyone and its `pinStateChanged` updates us. Before: local only. */
  protected setPin(p: P, type: PinType, pinned: boolean): void {
    if (!PIN_TYPES.includes(type)) {
      this.fail('ERROR_INVALID_PARAMETER', `${pinned ? 'pin' : 'unpin'}(): type must be SHARE_AND_CAM, CAM or SHARE, got ${String(type)}`);
      return;
    }
    if (this.phase === 'joined' && this.signaling) {
      this.signaling.request({ t: 'setPin', participantId: p.id, type, pinned }).catch((err: unknown) => {
        const code = err instanceof RoomkitError ? err.code : ErrorCode.ERROR_INVALID_PARAMETER;
        this.emitCore('error', { code, message: `Could not ${pinned ? 'pin' : 'unpin'} ${p.id}: ${err instanceof Error ? err.message : String(err)}` });
      });
      return;
    }
    const next = { ...p.pinState };
    if (type !== 'SHARE') next.cam = pinned;
    if (type !== 'CAM') next.share = pinned;
    this.applyPin(p, next, this.localParticipant.id);
  }

  /** @internal Used by the event table. */
  applyPin(p: P, state: PinState, pinnedBy: string, announce = true): void {
    if (!p._applyPinState(state)) return;
    if (state.cam || state.share) this.pinnedParticipants.set(p.id, { ...state });
    else this.pinnedParticipants.delete(p.id);
    if (announce) this.emitCore('pin-state-changed', { participantId: p.id, state: { ...state }, pinnedBy });
  }

  /** @internal The local participant or a remote one. */
  participantById(id: string): P | undefined {
    return id === this.localParticipant.id ? this.localParticipant : this.remotes.get(id);
  }

  /** @internal A remote participant from the join result or `participantJoined`. */
  addParticipant(info: ParticipantInfo): P {
    const p = this.core.createParticipant(info);
    this.remotes.set(p.id, p);
    this.participants.set(p.id, p);
    this.platformMedia.participantAdded(p, info.streams);
    return p;
  }

  /** @internal */
  removeParticipant(p: P): void {
    this.platformMedia.participantGone(p);
    this.remotes.delete(p.id);
    this.participants.delete(p.id);
    this.pinnedParticipants.delete(p.id);
  }

  /** @internal Emits an event of the core's map (the subclass's map repeats it, maybe narrower). */
  emitCore<E extends keyof CoreMeetingEvents<P>>(event: E, ...args: CoreMeetingEvents<P>[E]): void {
    (this.safeEmit as Emit)(event as string, ...args);
  }

  /** @internal Applies an egress state (join result, `egressState`): property + event. */
  applyEgressState(info: EgressStateInfo): void {
    applyEgressState(this, info, (event, arg) => this.emitCore(event, arg as never));
  }

  /** @internal Null when `action` may run now; else emits `error` and returns that error (to reject with). */
  notJoined(action: string): RoomkitError | null {
    if (this.phase === 'joined' && this.reconnector.active) {
      return this.fail('ERROR_MEETING_RECONNECTING', `${action}() cannot run while the meeting reconnects; try again after meeting-state-changed CONNECTED`);
    }
    if (this.phase === 'joined' && this.signaling) return null;
    return this.fail('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `${action}() needs a joined meeting; call join() and wait for 'meeting-joined'`);
  }

  /** @internal Emits `error` and returns the error, for callers that also reject with it. */
  fail(codeName: ErrorCodeName, message: string): RoomkitError {
    const error = new RoomkitError(codeName, message);
    this.emitCore('error', { code: error.code, message });
    return error;
  }

  /** @internal */
  reportError(err: unknown): void {
    const code = err instanceof RoomkitError ? err.code : ErrorCode.SOMETHING_WENT_WRONG;
    this.emitCore('error', { code, message: err instanceof Error ? err.message : String(err) });
  }

  /** @internal Closes every connection and announces `meeting-left`; runs once. */
  finish(info: LeaveInfo): void {
    if (this.phase === 'left') return;
    this.phase = 'left';
    this.platformMedia.close();
    this.signaling?.close();
    this.signaling = null;
    this.pubSub._clear();
    this.realtimeStore._clear();
    for (const id of this.remotes.keys()) this.participants.delete(id);
    this.remotes.clear();
    this.pinnedParticipants.clear();
    this.setState('DISCONNECTED');
    this.emitCore('meeting-left', info);
  }

  /** @internal */
  protected setState(state: MeetingState): void {
    if (this.state === state) return;
    this.state = state;
    this.emitCore('meeting-state-changed', { state: meetingStates[state] });
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private async doJoin(): Promise<void> {
    this.phase = 'joining';
    this.joinSettled = new Promise((resolve) => (this.joinApplied = resolve));
    this.setState('CONNECTING');
    try {
      // One turn later: a VideoSDK.config() in the same React commit as join() has run by then.
      await Promise.resolve();
      const token = this.core.token();
      if (!token) throw new RoomkitError('INVALID_TOKEN', 'No token: call VideoSDK.config(token) before join()');
      const fields = this.core.joinRequest(token);
      const signaling = new SignalingClient(this.core.signalingUrl(), this.signalingHandlers(), this.log, this.core.platform.createSocket);
      this.signaling = signaling;
      await signaling.connect();
      this.core.joinProgress?.('socketOpen');
      // An ask_join token waits in the lobby until a host answers: give the join time.
      const result = await signaling.request({ t: 'join', token, meetingId: this.id, ...fields }, LOBBY_WAIT_MS);
      this.core.joinProgress?.('joined');
      if (this.phase !== 'joining') return; // leave() was called meanwhile
      this.applyJoin(result);
    } catch (err) {
      if (this.phase !== 'joining') return;
      this.phase = 'failed';
      this.joinApplied();
      this.joinPromise = null;
      this.signaling?.close();
      this.signaling = null;
      const error = err instanceof RoomkitError ? err : new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `Could not join: ${String(err)}`, { cause: err });
      this.emitCore('error', { code: error.code, message: error.message });
      this.setState('FAILED');
      throw error;
    }
  }

  private applyJoin(result: JoinResult): void {
    this.localParticipant.id = result.participantId;
    this.resumeInfo = { resumeToken: result.resumeToken, graceSeconds: result.reconnectGraceSeconds };
    this.iceServers = result.iceServers ?? [];
    for (const info of result.participants) this.addParticipant(info);
    this.activeSpeakerId = result.activeSpeakerId;
    this.activePresenterId = result.activePresenterId;
    for (const pin of result.pinnedParticipants ?? []) {
      const p = this.participantById(pin.participantId);
      if (p) this.applyPin(p, pin.state, '', false);
    }
    this.phase = 'joined';
    this.egress.applyJoin(result.egress);
    this.setState('CONNECTED');
    const announce = () => {
      if (this.phase !== 'joined') return;
      this.emitCore('meeting-joined', { switchRoomId: null, peers: [...this.remotes.values()], poll: null, messages: [] });
      // VideoSDK apps build their UI from participant-joined, so announce those already here too.
      for (const p of this.remotes.values()) this.emitCore('participant-joined', p);
      this.platformMedia.joined();
    };
    // Server events wait for this announcement (onServerEvent), so they never overtake it.
    if (this.core.deferJoinedEvent) {
      // As VideoSDK: join() resolves first, meeting-joined follows in a later task. Its js-hls
      // quickstart adds its meeting-joined and participant-joined listeners after `await join()`.
      this.announced = new Promise((resolve) => setTimeout(() => (resolve(), announce()), 0));
    } else {
      announce();
    }
    this.joinApplied();
  }

  /** Server events, one at a time in arrival order (SignalingClient chains the calls). */
  private async onServerEvent(ev: ServerEvent): Promise<void> {
    // Lobby events reach an asker before its join completes.
    if (PRE_JOIN_EVENTS.has(ev.t)) {
      if (this.phase === 'joined' || this.phase === 'joining') await dispatchServerEvent(this.handlers, ev);
      return;
    }
    // Events can be handled before the join response's continuation has run (same socket read):
    // hold them until the join result is applied, or a `consume` finds no participant yet.
    if (this.phase === 'joining') await this.joinSettled;
    if (this.phase !== 'joined') return;
    await this.announced;
    if (this.phase !== 'joined') return;
    await dispatchServerEvent(this.handlers, ev);
  }

  private signalingHandlers(): SignalingHandlers {
    return { onEvent: (ev) => this.onServerEvent(ev), onUnexpectedClose: () => this.onSocketLost() };
  }

  /** The socket dropped: RECONNECTING, then CONNECTED when resumed (Reconnector), else meeting-left. */
  private onSocketLost(): void {
    if (this.phase === 'joined') this.reconnector.start();
  }
}
