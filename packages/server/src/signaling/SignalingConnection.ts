// One participant's WebSocket: validates every message at the edge, enforces size and rate limits,
// runs requests one at a time, and turns room events into frames. Bad input never throws past here.
import type { WebSocket, RawData } from 'ws';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  CLOSE_CODE_RECONNECTING,
  ErrorCode,
  LeaveReason,
  RoomkitError,
  clientMessageSchema,
  type ClientMessage,
  type ErrorInfo,
  type SequencedEvent,
} from '@roomkit/protocol';
import type { ZodError } from 'zod';
import { verifyJoinToken, type TokenContext } from '../auth/verifyJoinToken.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { Room } from '../rooms/Room.js';
import type { Participant } from '../rooms/Participant.js';
import type { ConnectionSink } from '../rooms/ResumableSink.js';
import type { EgressControl } from '../egress/types.js';
import { RateLimiter } from './RateLimiter.js';
import { countError, joinLatency } from '../metrics/appMetrics.js';

/** What the server tracks of a socket before it joins (see SignalingServer). */
export interface ConnectionAdmission {
  /** The client's address as rate limits count it (an IPv6 /64). */
  clientKey: string;
  /** A join token or resume was accepted: the socket is no longer a stranger's (its slot is freed, the deadline stops). */
  authenticated(): void;
  /** A join failed after its token was accepted: the socket must still join within the deadline. */
  joinFailed(): void;
}

export interface SignalingLimits {
  maxMessageBytes: number;
  messagesPerSecond: number;
  messageBurst: number;
}

/** Messages dropped in a row by the rate limiter before the socket is closed. */
const FLOOD_CLOSE_AFTER = 500;
/**
 * meeting.send() bytes one participant may have relayed, on average and in a burst: each byte goes
 * to everyone else in the room, so this bounds what one client can make the server send.
 */
const DATA_BYTES_PER_SECOND = 64 * 1024;
const DATA_BYTES_BURST = 256 * 1024;
/** Realtime store keys one participant may observe at once. */
const MAX_OBSERVED_KEYS = 1000;

function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'message'}: ${issue.message}`)
    .join('; ');
}

export class SignalingConnection implements ConnectionSink {
  private readonly limiter: RateLimiter;
  private readonly dataBytes = new RateLimiter(DATA_BYTES_PER_SECOND, DATA_BYTES_BURST);
  private queue: Promise<void> = Promise.resolve();
  private room: Room | null = null;
  private participant: Participant | null = null;
  private droppedInARow = 0;
  private lastRateErrorMs = Number.NEGATIVE_INFINITY;
  private done = false;
  private corked = false;
  /** Its join needed no admission (allow_join/allow_mod): it counts in roomkit_join_latency_seconds. */
  private joinedDirectly = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly rooms: RoomManager,
    private readonly auth: TokenContext,
    private readonly limits: SignalingLimits,
    private readonly log: Logger,
    private readonly egress?: EgressControl,
    private readonly admission: ConnectionAdmission = { clientKey: 'unknown', authenticated: () => {}, joinFailed: () => {} },
  ) {
    this.limiter = new RateLimiter(limits.messagesPerSecond, limits.messageBurst);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', (code) => this.onClose(code));
    ws.on('error', (err) => this.log.debug({ err }, 'socket error'));
  }

  send(event: SequencedEvent | { t: 'res'; rid: number; ok: boolean; data?: unknown; error?: ErrorInfo }): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (event.t === 'error' || (event.t === 'res' && !event.ok)) countError('signaling', (event as { error?: ErrorInfo }).error?.code);
    this.corkUntilNextTick();
    this.ws.send(JSON.stringify(event));
  }

  /**
   * Frames sent to this socket in the same tick leave in one write: a join storm sends each
   * participant many events at once (everyone else's participantJoined, a joiner's held events),
   * and one syscall per frame was most of the server's main-thread time then.
   */
  private corkUntilNextTick(): void {
    if (this.corked) return;
    const socket = (this.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    if (!socket) return;
    this.corked = true;
    socket.cork();
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }

  disconnect(): void {
    this.done = true;
    this.participant = null;
    this.room = null;
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(1000, 'left the meeting');
  }

  /** The join deadline passed: tell the client why, then close. */
  expire(reason: string): void {
    if (this.participant || this.done) return;
    this.sendError(ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING, `${reason}: send 'join' right after connecting`);
    this.ws.close(1008, 'join timeout');
    // A client that never answers the close frame must not keep the socket.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }

  private sendError(code: number, message: string): void {
    this.send({ t: 'error', error: { code, message } });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!this.limiter.take()) {
      this.droppedInARow++;
      const now = performance.now();
      if (now - this.lastRateErrorMs > 1000) {
        this.lastRateErrorMs = now;
        this.sendError(ErrorCode.RATE_LIMITED, `too many messages: at most ${this.limits.messagesPerSecond}/s (bursts of ${this.limits.messageBurst})`);
      }
      if (this.droppedInARow >= FLOOD_CLOSE_AFTER) this.ws.close(1008, 'message flood');
      return;
    }
    this.droppedInARow = 0;
    if (isBinary) return this.sendError(ErrorCode.ERROR_INVALID_PARAMETER, 'binary frames are not accepted: send JSON text');
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (size > this.limits.maxMessageBytes) {
      return this.sendError(ErrorCode.ERROR_PAYLOAD_TOO_LARGE, `message of ${size} bytes is over the ${this.limits.maxMessageBytes}-byte limit`);
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return this.sendError(ErrorCode.ERROR_INVALID_PARAMETER, 'message is not valid JSON');
    }
    const parsed = clientMessageSchema.safeParse(json);
    if (!parsed.success) {
      const rid = (json as { rid?: unknown } | null)?.rid;
      const message = `invalid ${typeof (json as { t?: unknown })?.t === 'string' ? `'${(json as { t: string }).t}' ` : ''}message: ${describeZodError(parsed.error)}`;
      if (typeof rid === 'number') this.send({ t: 'res', rid, ok: false, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message } });
      else this.sendError(ErrorCode.ERROR_INVALID_PARAMETER, message);
      return;
    }
    const request = parsed.data;
    const receivedAt = performance.now();
    this.queue = this.queue.then(() => this.run(request, receivedAt));
  }

  private async run(request: ClientMessage, receivedAt: number): Promise<void> {
    try {
      const data = await this.handle(request);
      this.send({ t: 'res', rid: request.rid, ok: true, data });
      if (request.t === 'join' && this.room && this.participant) {
        // A participant who waited in the lobby (ask_join) waited for a person, not for the server.
        if (this.joinedDirectly) joinLatency.observe((performance.now() - receivedAt) / 1000);
        this.participant.sink.release(0); // what happened while it joined, after the response
        this.room.consumeExisting(this.participant);
      }
      // After the response: the missed events, then live ones (held meanwhile, so order holds).
      if (request.t === 'resume' && this.participant) this.participant.sink.release(request.lastSeq);
      if (request.t === 'restartSubscriber' && this.room && this.participant) this.room.consumeExisting(this.participant);
    } catch (err) {
      const error =
        err instanceof RoomkitError
          ? { code: err.code, message: err.message }
          : { code: ErrorCode.SOMETHING_WENT_WRONG, message: 'internal error' };
      if (!(err instanceof RoomkitError)) this.log.error({ err, t: request.t }, 'request failed');
      this.send({ t: 'res', rid: request.rid, ok: false, error });
    }
  }

  private async handle(request: ClientMessage): Promise<unknown> {
    if (request.t === 'ping') return {};
    if (request.t === 'join') return this.join(request);
    if (request.t === 'resume') return this.resume(request);
    const room = this.room;
    const participant = this.participant;
    if (!room || !participant || participant.left) {
      throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `'${request.t}' needs a joined meeting: send 'join' first`);
    }
    switch (request.t) {
      case 'publish':
        return room.publish(participant, request.kind, request.sdp, request.simulcast, { width: request.width, height: request.height });
      case 'unpublish':
        await room.unpublish(participant, request.kind);
        return {};
      case 'subscriberAnswer':
        await room.subscriberAnswer(participant, request.sdp);
        return {};
      case 'setQuality':
        await room.setQuality(participant, request.participantId, request.quality);
        return {};
      case 'setPin':
        room.setPin(participant, request.participantId, request.type, request.pinned);
        return {};
      case 'setStreamPaused':
        await room.setStreamPaused(participant, request.streamId, request.paused);
        return {};
      case 'pubsubPublish':
        return { message: room.pubsubPublish(participant, request) };
      case 'pubsubSubscribe':
        return { messages: room.pubsubSubscribe(participant, request.topic) };
      case 'realtimeStoreSet':
        room.realtimeStore.set(participant, request.key, request.value, room.participants.values());
        return {};
      case 'realtimeStoreGet':
        return { value: room.realtimeStore.get(request.key) };
      case 'realtimeStoreObserve':
        if (participant.observedKeys.size >= MAX_OBSERVED_KEYS && !participant.observedKeys.has(request.key)) {
          throw new RoomkitError('ERROR_INVALID_PARAMETER', `key: at most ${MAX_OBSERVED_KEYS} keys observed at once; stopObserving() some first`);
        }
        participant.observedKeys.add(request.key);
        return {};
      case 'realtimeStoreStopObserving':
        participant.observedKeys.delete(request.key);
        return {};
      case 'sendData':
        if (!this.dataBytes.take(request.payload.length)) {
          throw new RoomkitError('RATE_LIMITED', `send(): at most ${DATA_BYTES_PER_SECOND / 1024} KB/s of data messages per participant (bursts of ${DATA_BYTES_BURST / 1024} KB); try again shortly`);
        }
        room.sendData(participant, { payload: request.payload, binary: request.binary }, request.reliability);
        return {};
      case 'changeMode':
        await room.changeMode(participant, request.mode);
        return {};
      case 'leave':
        this.participant = null;
        this.room = null;
        await room.leave(participant, { code: LeaveReason.MANUAL_LEAVE_CALLED, message: 'left the meeting' });
        return {};
      case 'removeParticipant':
        await room.removeParticipant(participant, request.participantId);
        return {};
      case 'setParticipantMedia':
        await room.setParticipantMedia(participant, request.participantId, request.kind, request.enabled);
        return {};
      case 'respondEntry':
        room.respondEntry(participant, request.participantId, request.decision);
        return {};
      case 'startEgress': {
        room.requireModerator(participant, `starting a ${request.kind}`);
        if (!this.egress) throw new RoomkitError('START_RECORDING_FAILED', 'egress is not available on this server');
        const { t: _t, rid: _rid, ...rest } = request;
        await this.egress.start({ ...rest, roomId: room.id, by: participant.id });
        return {};
      }
      case 'stopEgress':
        room.requireModerator(participant, `stopping a ${request.kind}`);
        if (!this.egress) throw new RoomkitError('STOP_RECORDING_FAILED', 'egress is not available on this server');
        await this.egress.stop(room.id, request.kind, participant.id);
        return {};
      case 'restartSubscriber':
        await room.restartSubscriber(participant);
        return {};
      case 'qualityReport':
        this.rooms.reportClientQuality(room, participant, request);
        return {};
      case 'end':
        room.requireModerator(participant, 'ending the meeting');
        await room.end({ code: LeaveReason.ROOM_CLOSE, message: `the meeting was ended by ${participant.displayName}` });
        return {};
    }
  }

  private async join(request: Extract<ClientMessage, { t: 'join' }>): Promise<unknown> {
    if (this.participant || this.done) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'this connection has already joined a meeting');
    const claims = verifyJoinToken(request.token, {
      ...this.auth,
      meetingId: request.meetingId,
      ...(request.participantId ? { participantId: request.participantId } : {}),
    });
    this.admission.authenticated();
    this.joinedDirectly = claims.permissions.includes('allow_join') || claims.permissions.includes('allow_mod');
    const { room, participant, result } = await this.joinRoom(
      {
        meetingId: request.meetingId,
        participantId: request.participantId ?? claims.participantId,
        name: request.name?.trim() || 'Guest',
        metaData: request.metaData ?? null,
        mode: request.mode ?? 'SEND_AND_RECV',
        permissions: claims.permissions,
        hidden: claims.roles?.includes('egress') ?? false,
        pinnedId: claims.participantId !== undefined,
        credential: createHash('sha256').update(request.token ?? '').digest('base64url'),
        creatorKey: this.admission.clientKey,
      },
      this,
    );
    if (this.ws.readyState !== this.ws.OPEN) {
      await room.leave(participant, { code: LeaveReason.WEBSOCKET_DISCONNECTED, message: 'connection closed while joining' });
      throw new RoomkitError('ERROR_UNABLE_TO_JOIN_MEETING', 'connection closed while joining');
    }
    this.room = room;
    this.participant = participant;
    this.log.info({ meetingId: room.id, participantId: participant.id }, 'participant joined');
    const egress = this.egress?.states(room.id) ?? [];
    return egress.length > 0 ? { ...result, egress } : result;
  }

  private async joinRoom(...args: Parameters<RoomManager['join']>): ReturnType<RoomManager['join']> {
    try {
      return await this.rooms.join(...args);
    } catch (err) {
      this.admission.joinFailed();
      throw err;
    }
  }

  private resume(request: Extract<ClientMessage, { t: 'resume' }>): unknown {
    if (this.participant || this.done) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'this connection has already joined a meeting');
    const { room, participant, result } = this.rooms.resume(request, this);
    this.admission.authenticated();
    this.room = room;
    this.participant = participant;
    this.log.info({ meetingId: room.id, participantId: participant.id, replayed: result.replayed }, 'participant resumed');
    return result;
  }

  /**
   * The socket is gone. A close frame from the client (1000, 1001 when a tab closes, ...) means it
   * left: it leaves now. No close frame (1006: the network dropped, or the heartbeat gave up) or
   * CLOSE_CODE_RECONNECTING keeps the participant for a resume within the grace period (Room.detach).
   */
  private onClose(code: number): void {
    this.rooms.cancelWaiting(this);
    const { room, participant } = this;
    this.participant = null;
    this.room = null;
    this.done = true;
    if (room && participant && !participant.left) {
      const leaving = code !== 1006 && code !== CLOSE_CODE_RECONNECTING;
      this.queue = this.queue.then(() =>
        (leaving
          ? room.leave(participant, { code: LeaveReason.WEBSOCKET_DISCONNECTED, message: 'signaling connection closed by the client' })
          : room.detach(participant, this)
        ).catch((err) => {
          this.log.error({ err }, 'detach after disconnect failed');
        }),
      );
    }
  }
}
