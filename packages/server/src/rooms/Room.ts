// One meeting: its participants in the current session, their streams, who consumes what, the
// presenter and active speaker, and pubsub. It drives media only through the MediaEngine seam.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  ErrorCode,
  LeaveReason,
  RoomkitError,
  checkDataPayload,
  type DataPayloadWire,
  type ErrorInfo,
  type JoinResult,
  type Mode,
  type PubSubMessage,
  type PinType,
  type Quality,
  type Reliability,
  type ServerEvent,
  type StreamKind,
} from '@roomkit/protocol';
import type { MediaEngine } from '../media/types.js';
import { Participant, streamInfo } from './Participant.js';
import { RoomPubSub, type PublishParams } from './RoomPubSub.js';
import type { JoinParams, ParticipantSink, PublishedStream, RoomsOptions } from './types.js';
import type { PubSubArchive, SessionObserver, SessionRef } from './hooks.js';
import { Lobby } from './Lobby.js';
import { RoomTaps, type TapRequest } from './RoomTaps.js';
import { RoomPins } from './RoomPins.js';
import { RoomRealtimeStore } from './RoomRealtimeStore.js';
import { logger } from '../logger.js';

const log = logger('rooms:Room');
import { ResumableSink, type ConnectionSink } from './ResumableSink.js';
import { timeToFirstMedia } from '../metrics/appMetrics.js';

/** May let people in from the lobby (and so hears about them). */
const isHost = (permissions: readonly string[]) => permissions.includes('allow_join') || permissions.includes('allow_mod');

const LAYER_OF_QUALITY: Record<Quality, 0 | 1 | 2> = { low: 0, med: 1, high: 2 };
const QUALITY_OF_LAYER: readonly Quality[] = ['low', 'med', 'high'];

export const newId = (bytes: number) => randomBytes(bytes).toString('hex');

export function leaveReason(name: keyof typeof LeaveReason, message: string): ErrorInfo {
  return { code: LeaveReason[name], message };
}

export class Room {
  readonly participants = new Map<string, Participant>();
  readonly sessionId = newId(12);
  readonly pubsub: RoomPubSub;
  readonly realtimeStore = new RoomRealtimeStore();
  readonly ref: SessionRef;
  private started = false;
  activeSpeakerId: string | null = null;
  presenterId: string | null = null;
  /** Producer id → publishing participant, to map media events back to people. */
  private readonly producerOwners = new Map<string, Participant>();
  private transportSeq = 0;
  private pendingJoins = 0;
  /** The room's autoCloseConfig.duration in minutes (VideoSDK): the session ends when it runs out. */
  private maxDurationMinutes: number | null = null;
  private durationTimer: NodeJS.Timeout | null = null;
  readonly lobby: Lobby;
  /**
   * Ids removed by a moderator (or the REST API) in this session: a rejoin under one waits in the
   * lobby until a moderator admits it again (which lifts the ban). Gone with the session.
   */
  private readonly banned = new Set<string>();
  /** Meeting-wide pins (`participant.pin()`), for everyone's UI and composite layouts. */
  readonly pins = new RoomPins();
  /** Plain-RTP taps of participant and track recordings. */
  private readonly taps: RoomTaps;
  closed = false;

  constructor(
    readonly id: string,
    private readonly media: MediaEngine,
    private readonly options: RoomsOptions,
    private readonly onEmpty: (room: Room) => void,
    private readonly observer: SessionObserver,
    archive: PubSubArchive,
  ) {
    this.ref = { roomId: id, sessionId: this.sessionId };
    this.pubsub = new RoomPubSub(this.ref, archive);
    this.lobby = new Lobby(options.maxLobbyAskersPerRoom ?? 100);
    this.taps = new RoomTaps(media, () => this.routerId);
  }

  /** The router is named by the session, so a new session never sees an old one's media. */
  get routerId(): string {
    return this.sessionId;
  }

  async open(): Promise<void> {
    await this.media.request({ op: 'createRouter', routerId: this.routerId });
  }

  async join(params: JoinParams, sink: ParticipantSink): Promise<{ participant: Participant; result: JoinResult }> {
    this.pendingJoins++;
    try {
      return await this.admit(params, sink);
    } finally {
      this.pendingJoins--;
      if (this.participants.size === 0 && this.pendingJoins === 0) await this.close();
    }
  }

  private async admit(params: JoinParams, sink: ParticipantSink): Promise<{ participant: Participant; result: JoinResult }> {
    const id = params.participantId ?? newId(4);
    this.checkTakeover(id, params);
    const removed = this.banned.has(id);
    if (!isHost(params.permissions) || removed) {
      const name = params.name;
      const allowed = await this.lobby.wait(id, name, sink, (asker) => {
        for (const p of this.participants.values()) {
          if (this.mayAdmit(p, asker.id)) p.sink.send({ t: 'entryRequested', participantId: asker.id, name: asker.name });
        }
      });
      if (!allowed) {
        throw removed
          ? new RoomkitError('UNAUTHORIZED_PARTCIPANT_ID', `participant ${id} was removed from meeting ${this.id} and was not admitted back`)
          : new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `entry to meeting ${this.id} was denied`);
      }
      this.banned.delete(id);
      this.checkTakeover(id, params);
    }
    const existing = this.participants.get(id);
    if (existing) {
      existing.sink.send({ t: 'meetingLeft', reason: leaveReason('DUPLICATE_PARTICIPANT', 'the same participant joined from another connection') });
      await this.leave(existing, leaveReason('DUPLICATE_PARTICIPANT', 'replaced by a newer connection'));
      existing.sink.disconnect();
    }
    if (params.hidden && this.visibleCount === 0) throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `meeting ${this.id} has no ongoing session`);
    if (!params.hidden && this.visibleCount >= this.options.maxParticipantsPerRoom) {
      throw new RoomkitError('MAX_PARTCIPANT_REACHED', `meeting ${this.id} is full (${this.options.maxParticipantsPerRoom} participants)`);
    }
    // Events to the newcomer wait for its join response (the caller releases them right after it):
    // the subscriber offer may be ready first, and clients only take events once joined.
    const participant = new Participant(id, params.name, params.mode, params.metaData, params.permissions, new ResumableSink(sink, true));
    participant.resumeToken = newId(24);
    participant.hidden = params.hidden ?? false;
    participant.credential = params.credential;
    const others = [...this.participants.values()].filter((p) => !p.hidden);
    this.participants.set(id, participant);
    const now = new Date();
    let created: Promise<unknown> | null = null;
    if (participant.receivesMedia) {
      participant.subscriberTransportId = `${id}.sub.${this.transportSeq++}`;
      created = this.media.request({ op: 'createSubscriber', routerId: this.routerId, transportId: participant.subscriberTransportId });
      // Fast join: the consumes of what is already published queue right behind the transport on
      // its worker, so the subscriber offer is being built while the join response goes out (and
      // while the session facts below are written).
      participant.earlyConsumes = new Map();
      for (const publisher of others) {
        for (const stream of publisher.streams.values()) participant.earlyConsumes.set(stream.id, this.startConsume(participant, stream));
      }
    }
    if (participant.hidden) {
      // Not a participant anyone sees: no session facts, no announcement.
    } else if (!this.started) {
      this.started = true;
      this.observer.sessionStarted(this.ref, now);
      this.startDurationTimer();
    }
    if (!participant.hidden) this.observer.participantJoined(this.ref, { id, name: participant.displayName }, now);
    if (created) await created;
    if (!participant.hidden) this.broadcast({ t: 'participantJoined', participant: participant.info() }, participant);
    for (const asker of this.lobby.waiting) {
      if (this.mayAdmit(participant, asker.id)) sink.send({ t: 'entryRequested', participantId: asker.id, name: asker.name });
    }
    return {
      participant,
      result: {
        participantId: id,
        sessionId: this.sessionId,
        participants: others.map((p) => p.info()),
        activeSpeakerId: this.activeSpeakerId,
        activePresenterId: this.presenterId,
        ...(this.pins.list().length > 0 ? { pinnedParticipants: this.pins.list() } : {}),
        permissions: [...params.permissions],
        resumeToken: participant.resumeToken,
        reconnectGraceSeconds: this.graceSeconds,
      },
    };
  }

  /**
   * Joining under the id of someone present replaces them (DUPLICATE_PARTICIPANT for the old
   * connection) only with a token that pins that id, or the very token they joined with (a page
   * refresh). Anyone else is refused, so a guest cannot evict the host by copying the host's id.
   */
  private checkTakeover(id: string, params: JoinParams): void {
    const existing = this.participants.get(id);
    if (!existing || existing.left || params.pinnedId) return;
    if (params.credential !== undefined && params.credential === existing.credential) return;
    throw new RoomkitError(
      'DUPLICATE_PARTICIPANT',
      `participantId: "${id}" is already in meeting ${this.id}; only a token whose "participantId" claim is "${id}" (or the token it joined with) may take it over`,
    );
  }

  /** Keeps `id` out of this session until a moderator admits it again from the lobby. */
  private ban(id: string): void {
    this.banned.add(id);
  }

  /** Hosts answer the lobby; only a moderator may let a removed participant back in. */
  private mayAdmit(host: Participant, askerId: string): boolean {
    return this.banned.has(askerId) ? host.canModerate : isHost(host.permissions);
  }

  /** Removes someone (REST remove) and bans their id for the session, as a moderator's remove does. */
  async remove(target: Participant, reason: ErrorInfo): Promise<void> {
    this.ban(target.id);
    target.sink.send({ t: 'meetingLeft', reason });
    await this.leave(target, reason);
    target.sink.disconnect();
  }

  // ---- reconnection: a dropped socket keeps the participant for the grace period ---------------

  private get graceSeconds(): number {
    return this.options.reconnectGraceSeconds ?? 20;
  }

  /** `connection` closed: the participant stays (others see nothing) until resumed or the grace ends. */
  async detach(participant: Participant, connection: ConnectionSink): Promise<void> {
    if (participant.left || !participant.sink.detach(connection)) return;
    const reason = leaveReason('WEBSOCKET_DISCONNECTED', `signaling connection closed and not resumed within ${this.graceSeconds} s`);
    if (this.graceSeconds === 0) return this.leave(participant, reason);
    if (participant.graceTimer) clearTimeout(participant.graceTimer);
    participant.graceTimer = setTimeout(() => {
      participant.graceTimer = null;
      void this.leave(participant, reason).catch(() => {});
    }, this.graceSeconds * 1000);
  }

  /**
   * Re-attaches a participant to a new socket. Events wait until the caller has sent the response
   * and calls `participant.sink.release(lastSeq)`, which replays what the client missed.
   */
  resume(participantId: string, resumeToken: string, lastSeq: number, connection: ConnectionSink): Participant {
    const participant = this.participants.get(participantId);
    const a = Buffer.from(resumeToken);
    const b = Buffer.from(participant?.resumeToken ?? '');
    if (!participant || participant.left || a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `cannot resume participant ${participantId}: not in meeting ${this.id} any more (or a wrong resume token)`);
    }
    if (!participant.sink.canReplayFrom(lastSeq)) {
      throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `cannot resume participant ${participantId}: it missed more events than the server keeps; join again`);
    }
    if (participant.graceTimer) clearTimeout(participant.graceTimer);
    participant.graceTimer = null;
    // The server may not have noticed the old socket drop yet: close it quietly.
    participant.sink.attach(connection)?.disconnect();
    return participant;
  }

  /** After the join response went out: start receiving everything already published. */
  consumeExisting(participant: Participant): void {
    const early = participant.earlyConsumes;
    participant.earlyConsumes = null;
    for (const publisher of this.participants.values()) {
      if (publisher === participant) continue;
      for (const stream of publisher.streams.values()) {
        void this.consume(participant, publisher, stream.kind, early?.get(stream.id));
        early?.delete(stream.id);
      }
    }
    // Streams that ended while it joined: their early consumers go too.
    for (const [streamId, started] of early ?? []) {
      void started.then((mid) => {
        if (mid !== null) void this.media.request({ op: 'closeConsumer', consumerId: `${participant.id}.${streamId}` }).catch(() => {});
      });
    }
  }

  async publish(
    participant: Participant,
    kind: StreamKind,
    offerSdp: string,
    simulcast: boolean,
    size?: { width?: number; height?: number },
  ): Promise<{ streamId: string; sdp: string }> {
    if (participant.mode !== 'SEND_AND_RECV') {
      throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED_IN_MODE', `cannot publish in mode ${participant.mode}`);
    }
    if (participant.streams.has(kind)) await this.unpublish(participant, kind);
    const transportId = `${participant.id}.${kind}.${this.transportSeq++}`;
    const mediaKind = kind === 'audio' || kind === 'shareAudio' ? 'audio' : 'video';
    let answer;
    try {
      answer = await this.media.request({ op: 'createPublisher', routerId: this.routerId, transportId, kind: mediaKind, offerSdp, simulcast, group: participant.id });
    } catch (err) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `sdp: ${(err as Error).message}`, { cause: err });
    }
    if (participant.left || this.closed) {
      void this.media.request({ op: 'closeTransport', transportId });
      throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', 'left the meeting while publishing');
    }
    const sized = mediaKind === 'video' && size?.width && size.height ? { width: size.width, height: size.height } : {};
    const stream = { id: newId(8), kind, codec: mediaKind === 'audio' ? 'opus' : 'VP8', transportId, ...sized };
    participant.streams.set(kind, stream);
    this.producerOwners.set(answer.producerId, participant);
    this.taps.onPublished(participant.id, kind, answer.producerId);
    this.broadcast({ t: 'streamEnabled', participantId: participant.id, stream: streamInfo(stream) }, participant);
    for (const other of this.participants.values()) {
      if (other !== participant) void this.consume(other, participant, kind);
    }
    if (kind === 'share') this.setPresenter(participant.id);
    return { streamId: stream.id, sdp: answer.answerSdp };
  }

  /** The media side of a consume; resolves with the slot's mid, or null when it failed. */
  private async startConsume(subscriber: Participant, stream: PublishedStream): Promise<string | null> {
    const consumerId = `${subscriber.id}.${stream.id}`;
    try {
      const { mid } = await this.media.request({ op: 'consume', subscriberId: subscriber.subscriberTransportId!, producerId: stream.transportId, consumerId });
      return mid;
    } catch (err) {
      // Usually the stream or the subscriber went away meanwhile.
      log.debug({ err, consumerId }, 'consume failed');
      return null;
    }
  }

  /** `started`: the media side already asked for while joining (startConsume), if it was. */
  private async consume(subscriber: Participant, publisher: Participant, kind: StreamKind, started?: Promise<string | null>): Promise<void> {
    const stream = publisher.streams.get(kind);
    const transportId = subscriber.subscriberTransportId;
    if (!stream || !transportId || subscriber.left) return;
    const consumerId = `${subscriber.id}.${stream.id}`;
    const mid = await (started ?? this.startConsume(subscriber, stream));
    if (mid === null) return;
    // Its transport was replaced meanwhile (changeMode, restartSubscriber): the old one took this
    // consumer with it when it closed, and the new one consumes anew (same consumer id: leave it be).
    if (subscriber.subscriberTransportId !== transportId) return;
    if (subscriber.left || publisher.streams.get(kind) !== stream) {
      void this.media.request({ op: 'closeConsumer', consumerId });
      return;
    }
    subscriber.consumers.set(stream.id, consumerId);
    const quality = subscriber.qualityByPublisher.get(publisher.id);
    if (quality && kind === 'video') {
      await this.media.request({ op: 'setConsumerLayer', consumerId, layer: LAYER_OF_QUALITY[quality] }).catch(() => {});
    }
    subscriber.sink.send({ t: 'consume', participantId: publisher.id, streamId: stream.id, kind, mid });
  }

  async unpublish(participant: Participant, kind: StreamKind): Promise<void> {
    const stream = participant.streams.get(kind);
    if (!stream) return;
    participant.streams.delete(kind);
    // Tell subscribers first: the freed slot may carry another stream right after.
    for (const other of this.participants.values()) {
      if (other === participant) continue;
      other.consumers.delete(stream.id);
      other.sink.send({ t: 'streamDisabled', participantId: participant.id, streamId: stream.id, kind });
    }
    for (const [producerId, owner] of this.producerOwners) if (owner === participant && producerId === stream.transportId) this.producerOwners.delete(producerId);
    if (kind === 'share' && this.presenterId === participant.id) this.setPresenter(null);
    await this.media.request({ op: 'closeTransport', transportId: stream.transportId });
  }

  /**
   * The media worker holding this meeting died: every stream and transport is gone. Rebuild the
   * router on a live worker, give each participant a fresh subscriber transport, and tell them to
   * publish again and restart their subscriber connection (`mediaReset`).
   */
  async recoverMedia(): Promise<void> {
    if (this.closed) return;
    for (const participant of this.participants.values()) {
      for (const stream of participant.streams.values()) {
        this.broadcast({ t: 'streamDisabled', participantId: participant.id, streamId: stream.id, kind: stream.kind }, participant);
      }
      participant.streams.clear();
      participant.consumers.clear();
    }
    this.producerOwners.clear();
    this.setPresenter(null);
    await this.media.request({ op: 'createRouter', routerId: this.routerId });
    await this.taps.recreate();
    for (const participant of this.participants.values()) {
      if (!participant.receivesMedia) continue;
      participant.subscriberTransportId = `${participant.id}.sub.${this.transportSeq++}`;
      await this.media.request({ op: 'createSubscriber', routerId: this.routerId, transportId: participant.subscriberTransportId });
    }
    for (const participant of this.participants.values()) participant.sink.send({ t: 'mediaReset' });
  }

  /**
   * The client's subscriber PeerConnection failed: replace the server side with a fresh transport.
   * The caller then re-consumes everything (consumeExisting), which offers every stream anew.
   */
  async restartSubscriber(participant: Participant): Promise<void> {
    const old = participant.subscriberTransportId;
    if (!old) throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED_IN_MODE', `no media is sent in mode ${participant.mode}`);
    participant.consumers.clear();
    participant.subscriberTransportId = `${participant.id}.sub.${this.transportSeq++}`;
    await this.media.request({ op: 'closeTransport', transportId: old }).catch(() => {});
    await this.media.request({ op: 'createSubscriber', routerId: this.routerId, transportId: participant.subscriberTransportId });
  }

  /**
   * changeMode: out of SEND_AND_RECV unpublishes everything; into SIGNALLING_ONLY closes the
   * subscriber transport; out of it opens one and consumes every stream. Everyone (the participant
   * too) hears participantModeChanged before the subscriber offer and the consumes.
   */
  async changeMode(participant: Participant, mode: Mode): Promise<void> {
    if (participant.mode === mode) return;
    if (mode !== 'SEND_AND_RECV') for (const kind of [...participant.streams.keys()]) await this.unpublish(participant, kind);
    participant.mode = mode;
    this.broadcast({ t: 'participantModeChanged', participantId: participant.id, mode });
    const old = participant.subscriberTransportId;
    if (!participant.receivesMedia && old) {
      participant.subscriberTransportId = null;
      participant.consumers.clear();
      await this.media.request({ op: 'closeTransport', transportId: old }).catch(() => {});
    } else if (participant.receivesMedia && !old) {
      // Set only once it exists: a stream published meanwhile is consumed by consumeExisting, not twice.
      const transportId = `${participant.id}.sub.${this.transportSeq++}`;
      await this.media.request({ op: 'createSubscriber', routerId: this.routerId, transportId });
      if (participant.left || !participant.receivesMedia || participant.subscriberTransportId) {
        await this.media.request({ op: 'closeTransport', transportId }).catch(() => {});
        return;
      }
      participant.subscriberTransportId = transportId;
      this.consumeExisting(participant);
    }
  }

  async subscriberAnswer(participant: Participant, sdp: string): Promise<void> {
    if (!participant.subscriberTransportId) {
      throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED_IN_MODE', `no media is sent in mode ${participant.mode}`);
    }
    try {
      await this.media.request({ op: 'subscriberAnswer', transportId: participant.subscriberTransportId, answerSdp: sdp });
    } catch (err) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `sdp: ${(err as Error).message}`, { cause: err });
    }
  }

  async setQuality(subscriber: Participant, publisherId: string, quality: Quality): Promise<void> {
    const publisher = this.participants.get(publisherId);
    if (!publisher) throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: no participant ${publisherId} in this meeting`);
    subscriber.qualityByPublisher.set(publisherId, quality);
    const stream = publisher.streams.get('video');
    const consumerId = stream && subscriber.consumers.get(stream.id);
    if (consumerId) await this.media.request({ op: 'setConsumerLayer', consumerId, layer: LAYER_OF_QUALITY[quality] }).catch(() => {});
  }

  /** Pins or unpins a participant's camera and/or share for the whole meeting (anyone may). */
  setPin(by: Participant, participantId: string, type: PinType, pinned: boolean): void {
    const target = this.participants.get(participantId);
    if (!target || target.hidden) throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: no participant ${participantId} in this meeting`);
    const state = this.pins.set(participantId, type, pinned);
    if (state) this.broadcast({ t: 'pinStateChanged', participantId, state, pinnedBy: by.id });
  }

  /** A subscriber pauses or resumes one stream it receives. */
  async setStreamPaused(subscriber: Participant, streamId: string, paused: boolean): Promise<void> {
    const consumerId = subscriber.consumers.get(streamId);
    if (!consumerId) throw new RoomkitError('ERROR_INVALID_PARAMETER', `streamId: ${streamId} is not a stream you receive`);
    await this.media.request({ op: 'setConsumerPaused', consumerId, paused });
  }

  /**
   * Starts forwarding a participant's stream as plain RTP to a local recorder (participant and
   * track recordings); it follows that stream through camera/mic off and on. Returns the tap id.
   */
  async addRtpTap(request: TapRequest): Promise<string> {
    const participant = this.participants.get(request.participantId);
    if (!participant || participant.hidden || participant.left) {
      throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: no participant ${request.participantId} in the ongoing session of ${this.id}`);
    }
    return this.taps.add(participant, request);
  }

  removeRtpTap(tapId: string): Promise<void> {
    return this.taps.remove(tapId);
  }

  pubsubPublish(sender: Participant, params: PublishParams): PubSubMessage {
    return this.pubsub.publish(sender, params, this.participants.values());
  }

  pubsubSubscribe(participant: Participant, topic: string): PubSubMessage[] {
    const max = this.options.pubsubTopicsPerParticipant ?? 100;
    if (!participant.pubsubTopics.has(topic) && participant.pubsubTopics.size >= max) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `topic: at most ${max} pubsub topics subscribed per participant`);
    }
    participant.pubsubTopics.add(topic);
    return this.pubsub.history(topic, participant);
  }

  /** `meeting.send()`: to everyone else in the session now; nothing is kept, not even for a resume. */
  sendData(sender: Participant, wire: DataPayloadWire, reliability: Reliability): void {
    checkDataPayload(wire);
    const event = { t: 'data', from: sender.id, timestamp: Date.now(), payload: wire.payload, binary: wire.binary, reliability } as const;
    for (const participant of this.participants.values()) if (participant !== sender) participant.sink.sendEphemeral(event);
  }

  async leave(participant: Participant, reason: ErrorInfo): Promise<void> {
    if (participant.left) return;
    participant.left = true;
    if (participant.graceTimer) clearTimeout(participant.graceTimer);
    participant.graceTimer = null;
    for (const kind of [...participant.streams.keys()]) await this.unpublish(participant, kind);
    if (this.participants.get(participant.id) === participant) this.participants.delete(participant.id);
    if (participant.subscriberTransportId) {
      await this.media.request({ op: 'closeTransport', transportId: participant.subscriberTransportId }).catch(() => {});
    }
    if (!participant.hidden) {
      this.observer.participantLeft(this.ref, { id: participant.id, name: participant.displayName }, new Date(), reason);
      this.broadcast({ t: 'participantLeft', participantId: participant.id, reason });
    }
    if (this.activeSpeakerId === participant.id) this.setActiveSpeaker(null);
    this.pins.remove(participant.id);
    if (this.participants.size === 0 && this.pendingJoins === 0) await this.close();
    // Only egress compositors left: the meeting is over (they finish their files).
    else if (!participant.hidden && this.visibleCount === 0 && this.pendingJoins === 0) await this.end(leaveReason('ROOM_CLOSE', 'everyone left the meeting'));
  }

  /** End the meeting for everyone. */
  async end(reason: ErrorInfo): Promise<void> {
    for (const participant of [...this.participants.values()]) {
      participant.sink.send({ t: 'meetingLeft', reason });
      await this.leave(participant, reason);
      participant.sink.disconnect();
    }
    await this.close();
  }

  /** A host answers someone waiting in the lobby; hosts and the asker hear the decision. */
  respondEntry(host: Participant, askerId: string, decision: 'allowed' | 'denied'): void {
    if (!isHost(host.permissions)) throw new RoomkitError('UNAUTHORIZED_REQUEST', 'answering entry requests needs allow_join or allow_mod');
    if (!this.mayAdmit(host, askerId)) throw new RoomkitError('UNAUTHORIZED_REQUEST', `participant ${askerId} was removed from this meeting: only a moderator (allow_mod) may let them back in`);
    const askerSink = this.lobby.decide(askerId, decision === 'allowed', host.displayName);
    const event = { t: 'entryResponded', participantId: askerId, decision } as const;
    askerSink.send(event);
    for (const p of this.participants.values()) if (this.mayAdmit(p, askerId)) p.sink.send(event);
  }

  /** Moderator removes someone: they get meetingLeft (REMOVE_PEER), everyone else participant-left. */
  async removeParticipant(moderator: Participant, targetId: string): Promise<void> {
    this.requireModerator(moderator, 'removing a participant');
    const target = this.target(targetId);
    await this.remove(target, leaveReason('REMOVE_PEER', `removed by ${moderator.displayName}`));
  }

  /** Moderator turns a participant's mic/camera off now, or asks them to turn it on. */
  async setParticipantMedia(moderator: Participant, targetId: string, kind: 'audio' | 'video', enabled: boolean): Promise<void> {
    this.requireModerator(moderator, `turning another participant's ${kind === 'audio' ? 'microphone' : 'camera'} ${enabled ? 'on' : 'off'}`);
    const target = this.target(targetId);
    if (enabled) {
      target.sink.send({ t: 'mediaRequested', kind, byParticipantId: moderator.id });
      return;
    }
    if (!target.streams.has(kind)) return;
    target.sink.send({ t: 'mediaDisabledByModerator', kind, byParticipantId: moderator.id });
    await this.unpublish(target, kind);
  }

  private target(id: string): Participant {
    const target = this.participants.get(id);
    if (!target || target.hidden) throw new RoomkitError('INVALID_PARTICIPANT_ID', `participantId: no participant ${id} in this meeting`);
    return target;
  }

  requireModerator(participant: Participant, action: string): void {
    if (!participant.canModerate) throw new RoomkitError('UNAUTHORIZED_REQUEST', `${action} needs the allow_mod permission`);
  }

  onActiveSpeaker(producerId: string | null): void {
    const owner = producerId === null ? null : this.producerOwners.get(producerId);
    this.setActiveSpeaker(owner ? owner.id : null);
  }

  /** The media engine switched the layer it forwards on a consumer: tell that subscriber. */
  onConsumerLayer(consumerId: string, layer: number): void {
    for (const subscriber of this.participants.values()) {
      for (const [streamId, id] of subscriber.consumers) {
        if (id !== consumerId) continue;
        const publisher = [...this.participants.values()].find((p) => p.streams.get('video')?.id === streamId);
        if (publisher) subscriber.sink.send({ t: 'videoQualityChanged', participantId: publisher.id, streamId, quality: QUALITY_OF_LAYER[layer] ?? 'high' });
        return;
      }
    }
  }

  private setActiveSpeaker(id: string | null): void {
    if (this.activeSpeakerId === id) return;
    this.activeSpeakerId = id;
    this.broadcast({ t: 'speakerChanged', participantId: id });
  }

  private setPresenter(id: string | null): void {
    if (this.presenterId === id) return;
    this.presenterId = id;
    this.broadcast({ t: 'presenterChanged', participantId: id });
  }

  /**
   * A publisher's media connection ended: its stream ends for everyone. Only a failure is an error
   * for the publisher; `closed` is the client closing it (turning a camera off closes the
   * connection just before its `unpublish` arrives).
   */
  /** A publisher transport's first RTP packet: times the participant's first media once (/metrics). */
  onFirstMedia(transportId: string): void {
    for (const participant of this.participants.values()) {
      if (participant.firstMediaTimed || participant.hidden) continue;
      for (const stream of participant.streams.values()) {
        if (stream.transportId !== transportId) continue;
        participant.firstMediaTimed = true;
        timeToFirstMedia.observe((performance.now() - participant.admittedAtMs) / 1000);
        return;
      }
    }
  }

  async onPublisherFailed(transportId: string, reason: 'failed' | 'closed' = 'failed'): Promise<void> {
    for (const participant of this.participants.values()) {
      for (const stream of participant.streams.values()) {
        if (stream.transportId === transportId) {
          await this.unpublish(participant, stream.kind);
          if (reason === 'failed') participant.sink.send({ t: 'error', error: { code: ErrorCode.ERROR_MEETING_MEDIA_CONNECTION_FAILED, message: `the ${stream.kind} connection failed` } });
          return;
        }
      }
    }
  }

  /** Participants people see (egress compositors are not). */
  get visibleCount(): number {
    let n = 0;
    for (const p of this.participants.values()) if (!p.hidden) n++;
    return n;
  }

  broadcast(event: ServerEvent, except?: Participant): void {
    for (const participant of this.participants.values()) if (participant !== except) participant.sink.send(event);
  }

  /** Applies the room's stored maximum session duration (minutes); the session's clock starts at its first join. */
  limitDuration(minutes: number | undefined): void {
    this.maxDurationMinutes = minutes && minutes > 0 ? minutes : null;
    if (this.started && !this.durationTimer) this.startDurationTimer();
  }

  private startDurationTimer(): void {
    if (this.maxDurationMinutes === null || this.durationTimer) return;
    const minutes = this.maxDurationMinutes;
    this.durationTimer = setTimeout(() => {
      void this.end(leaveReason('ROOM_CLOSE', `the session reached its maximum duration of ${minutes} minutes (autoCloseConfig)`));
    }, minutes * 60_000);
    this.durationTimer.unref();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.durationTimer) clearTimeout(this.durationTimer);
    if (this.started) this.observer.sessionEnded(this.ref, new Date());
    this.pubsub.drop();
    this.taps.clear();
    await this.media.request({ op: 'closeRouter', routerId: this.routerId }).catch(() => {});
    this.onEmpty(this);
  }
}
