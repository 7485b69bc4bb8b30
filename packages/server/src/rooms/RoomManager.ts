// All live rooms of this node, and the routing of media events back to the room they concern.
import { RoomkitError } from '@roomkit/protocol';
import type { MediaEngine, MediaEvent } from '../media/types.js';
import { Room } from './Room.js';
import type { Participant } from './Participant.js';
import type { JoinParams, ParticipantSink, RoomsOptions } from './types.js';
import { noopSessionObserver, openRoomDirectory, type PubSubArchive, type RoomDirectory, type SessionObserver } from './hooks.js';
import { MemoryPubSubArchive } from './RoomPubSub.js';
import { KeyedRateLimiter } from './KeyedRateLimiter.js';
import { LeaveReason, type ErrorInfo, type IceServer, type ResumeResult } from '@roomkit/protocol';
import type { ConnectionSink } from './ResumableSink.js';
import type { QualityReportRequest } from '@roomkit/protocol';
import { QualitySampler } from './quality/QualitySampler.js';
import type { QualitySink } from './quality/types.js';

export interface RoomManagerHooks {
  observer?: SessionObserver;
  directory?: RoomDirectory;
  archive?: PubSubArchive;
  /** Where call quality samples go (absent: nothing is sampled). */
  quality?: QualitySink;
}

export class RoomManager {
  private readonly rooms = new Map<string, Room>();
  private readonly roomsBySession = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<Room>>();

  private readonly observer: SessionObserver;
  private readonly directory: RoomDirectory;
  private readonly archive: PubSubArchive;
  /** Rooms created by joins to unknown ids, per client address (requireRoomCreation false). */
  private readonly createdByJoin: KeyedRateLimiter;
  /** Call quality sampling (see rooms/quality), when a sink was given. */
  readonly quality: QualitySampler | null;

  constructor(
    private readonly media: MediaEngine,
    private readonly options: RoomsOptions,
    hooks: RoomManagerHooks = {},
  ) {
    this.observer = hooks.observer ?? noopSessionObserver;
    this.directory = hooks.directory ?? openRoomDirectory;
    this.archive = hooks.archive ?? new MemoryPubSubArchive();
    this.createdByJoin = new KeyedRateLimiter(options.roomsCreatedByJoinPerMinute ?? 0);
    media.onEvent((event) => this.onMediaEvent(event));
    this.quality = hooks.quality ? new QualitySampler(media, () => this.rooms.values(), hooks.quality, options.qualitySampleSeconds ?? 5) : null;
    this.quality?.start();
  }

  /** An SDK's `qualityReport` (validated by signaling); refused when too frequent. */
  reportClientQuality(room: Room, participant: Participant, report: QualityReportRequest): void {
    this.quality?.acceptClientReport(room, participant, report);
  }

  get size(): number {
    return this.rooms.size;
  }

  /** Participants in meetings, egress compositors not counted (for /metrics). */
  get participantCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.visibleCount;
    return n;
  }

  room(id: string): Room | undefined {
    return this.rooms.get(id);
  }

  /**
   * Events to the new participant are held until the caller has sent the join response and calls
   * `participant.sink.release(0)` (clients only take events once joined).
   */
  async join(params: JoinParams, sink: ParticipantSink): Promise<{ room: Room; participant: Participant; result: import('@roomkit/protocol').JoinResult }> {
    this.checkRoomCapacity(params.meetingId);
    const settings = await this.directory.roomForJoin(params.meetingId, () => {
      if (this.createdByJoin.take(params.creatorKey ?? 'unknown')) return;
      throw new RoomkitError(
        'RATE_LIMITED',
        `meetingId: there is no room ${params.meetingId}, and joins from your address created ${this.createdByJoin.perMinute} rooms in the last minute; ` +
          'create rooms with POST /v2/rooms, or try again in a minute',
      );
    });
    if (!settings) throw new RoomkitError('INVALID_MEETING_ID', `meetingId: no room ${params.meetingId}; create it first with POST /v2/rooms`);
    if (settings.disabled) throw new RoomkitError('MEETING_ID_DISABLED', `meeting ${params.meetingId} has been deactivated`);
    const room = await this.openRoom(params.meetingId);
    room.limitDuration(settings.autoCloseConfig?.duration);
    const { participant, result } = await room.join(params, sink);
    return { room, participant, result: { ...result, ...this.iceServers(participant.id) } };
  }

  /** A reconnecting client takes its participant back (see Room.resume). */
  resume(
    params: { meetingId: string; participantId: string; resumeToken: string; lastSeq: number },
    connection: ConnectionSink,
  ): { room: Room; participant: Participant; result: ResumeResult } {
    const room = this.rooms.get(params.meetingId);
    if (!room || room.closed) {
      throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `cannot resume: meeting ${params.meetingId} has no live session any more`);
    }
    const missed = (p: Participant) => p.sink.missedSince(params.lastSeq);
    const participant = room.resume(params.participantId, params.resumeToken, params.lastSeq, connection);
    return { room, participant, result: { participantId: participant.id, sessionId: room.sessionId, replayed: missed(participant), ...this.iceServers(participant.id) } };
  }

  /** `{iceServers}` for a join or resume result when STUN/TURN servers are configured, else nothing. */
  private iceServers(participantId: string): { iceServers?: IceServer[] } {
    const servers = this.options.iceServersFor?.(participantId) ?? [];
    return servers.length > 0 ? { iceServers: servers } : {};
  }

  /** Refuses a join that would open one more live room than `maxRooms`. */
  private checkRoomCapacity(id: string): void {
    const max = this.options.maxRooms;
    if (max === undefined || (this.rooms.get(id) && !this.rooms.get(id)!.closed) || this.opening.has(id)) return;
    if (this.rooms.size + this.opening.size >= max) {
      throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', `this server carries its maximum of ${max} live meetings; try again later`);
    }
  }

  private async openRoom(id: string): Promise<Room> {
    const existing = this.rooms.get(id);
    if (existing && !existing.closed) return existing;
    const pending = this.opening.get(id);
    if (pending) return pending;
    this.checkRoomCapacity(id);
    const opening = (async () => {
      const room = new Room(id, this.media, this.options, (closed) => this.forget(closed), this.observer, this.archive);
      await room.open();
      this.rooms.set(id, room);
      this.roomsBySession.set(room.sessionId, room);
      return room;
    })();
    this.opening.set(id, opening);
    try {
      return await opening;
    } catch (err) {
      throw new RoomkitError('SOMETHING_WENT_WRONG', `could not open meeting ${id}`, { cause: err });
    } finally {
      this.opening.delete(id);
    }
  }

  private forget(room: Room): void {
    if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
    this.roomsBySession.delete(room.sessionId);
  }

  private onMediaEvent(event: MediaEvent): void {
    switch (event.ev) {
      case 'subscriberOffer': {
        const participant = this.participantOfTransport(event.transportId);
        participant?.sink.send({ t: 'subscriberOffer', sdp: event.offerSdp });
        return;
      }
      case 'activeSpeaker':
        this.roomsBySession.get(event.routerId)?.onActiveSpeaker(event.producerId);
        return;
      case 'consumerLayer':
        this.roomsBySession.get(event.routerId)?.onConsumerLayer(event.consumerId, event.layer);
        return;
      case 'transportClosed': {
        for (const room of this.rooms.values()) void room.onPublisherFailed(event.transportId, event.reason);
        return;
      }
      case 'transportConnected':
        return;
      case 'firstMedia':
        for (const room of this.rooms.values()) room.onFirstMedia(event.transportId);
        return;
      case 'routerLost':
        // A rebuild that fails (its new worker died meanwhile) must not reject unhandled, which
        // would take the server down: that worker's death reports this router lost again.
        this.roomsBySession.get(event.routerId)?.recoverMedia().catch(() => {});
        return;
    }
  }

  /** Transport ids start with the participant id (see Room); the session disambiguates rooms. */
  private participantOfTransport(transportId: string): Participant | undefined {
    for (const room of this.rooms.values()) {
      for (const participant of room.participants.values()) {
        if (participant.subscriberTransportId === transportId) return participant;
      }
    }
    return undefined;
  }

  /** A connection closed while waiting in a lobby: stop waiting. */
  cancelWaiting(sink: ParticipantSink): void {
    for (const room of this.rooms.values()) room.lobby.cancel(sink);
  }

  /** The live session of a room, if anyone is in it. */
  liveSession(roomId: string): { sessionId: string; participantIds: string[] } | null {
    const room = this.rooms.get(roomId);
    if (!room || room.closed) return null;
    return { sessionId: room.sessionId, participantIds: [...room.participants.values()].filter((p) => !p.hidden).map((p) => p.id) };
  }

  /**
   * Live rooms and their visible participants, at most `limit` rooms (the operator dashboard);
   * `total` counts them all. joinedAt converts the admission time to this process's wall clock.
   */
  liveRooms(limit: number): { total: number; rooms: Array<{ roomId: string; sessionId: string; participants: Array<{ id: string; name: string; mode: string; streams: string[]; joinedAt: Date }> }> } {
    const open = [...this.rooms.values()].filter((r) => !r.closed);
    const wallOffset = Date.now() - performance.now();
    return {
      total: open.length,
      rooms: open.slice(0, limit).map((room) => ({
        roomId: room.id,
        sessionId: room.sessionId,
        participants: [...room.participants.values()]
          .filter((p) => !p.hidden)
          .map((p) => ({ id: p.id, name: p.displayName, mode: p.mode, streams: [...p.streams.keys()], joinedAt: new Date(wallOffset + p.admittedAtMs) })),
      })),
    };
  }

  /** Ends a room's live session for everyone (REST `POST /v2/sessions/end`, deactivation). */
  async endMeeting(roomId: string, reason: ErrorInfo = { code: LeaveReason.MEETING_END_API, message: 'the meeting was ended through the API' }): Promise<boolean> {
    const room = this.rooms.get(roomId);
    if (!room || room.closed) return false;
    await room.end(reason);
    return true;
  }

  /** Removes one participant (REST `POST /v2/sessions/participants/remove`). */
  async removeParticipant(
    roomId: string,
    participantId: string,
    reason: ErrorInfo = { code: LeaveReason.REMOVE_PEER_API, message: 'removed through the API' },
  ): Promise<boolean> {
    const participant = this.rooms.get(roomId)?.participants.get(participantId);
    const room = this.rooms.get(roomId);
    if (!room || !participant) return false;
    await room.remove(participant, reason);
    return true;
  }

  /** End every meeting (server shutdown). */
  async closeAll(reason: { code: number; message: string }): Promise<void> {
    this.quality?.stop();
    await Promise.all([...this.rooms.values()].map((room) => room.end(reason)));
  }
}
