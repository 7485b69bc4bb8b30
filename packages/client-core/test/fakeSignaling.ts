// A scripted signaling server behind fake sockets, and a minimal platform layer over MeetingCore:
// enough to drive the core's state machines in unit tests with no network and no browser.
import type { JoinResult, ParticipantInfo, ServerEvent } from '@roomkit/protocol';
import { Logger, MeetingCore, ParticipantBase, type CoreMeetingEvents, type MeetingMedia, type WebSocketLike } from '../src/index.js';

type Sent = { t: string; rid: number; [key: string]: unknown };
type Answer = { ok: true; data: unknown } | { ok: false; error: { code: number; message: string } } | 'silent';

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  readonly sent: Sent[] = [];
  closedWith: number | null = null;

  constructor(private readonly server: FakeServer) {}

  send(data: string): void {
    const msg = JSON.parse(data) as Sent;
    this.sent.push(msg);
    this.server.onRequest(this, msg);
  }

  close(code = 1000): void {
    if (this.readyState >= 2) return;
    this.closedWith = code;
    this.readyState = 3;
  }

  /** The server side pushes a message. */
  deliver(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }

  /** The connection dies (no close frame reached us: code 1006). */
  drop(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  /** Answer per request type; default `{ok: true, data: {}}`. */
  answers: Record<string, (msg: Sent) => Answer> = {};
  /** New sockets open (true) or fail before opening (false). */
  accepting = true;
  private seq = 0;

  readonly createSocket = (_url: string): WebSocketLike => {
    const socket = new FakeSocket(this);
    this.sockets.push(socket);
    queueMicrotask(() => {
      if (this.accepting) {
        socket.readyState = 1;
        socket.onopen?.({});
      } else {
        socket.readyState = 3;
        socket.onerror?.({});
        socket.onclose?.({ code: 1006, reason: '' });
      }
    });
    return socket;
  };

  get last(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }

  onRequest(socket: FakeSocket, msg: Sent): void {
    const answer = this.answers[msg.t]?.(msg) ?? { ok: true, data: {} };
    if (answer === 'silent') return;
    queueMicrotask(() => socket.deliver({ t: 'res', rid: msg.rid, ...answer }));
  }

  /** A server event with the next `seq`, on the newest socket. */
  event(ev: ServerEvent): void {
    this.last.deliver({ ...ev, seq: ++this.seq });
  }
}

export function joinResult(overrides: Partial<JoinResult> = {}): JoinResult {
  return {
    participantId: 'me',
    sessionId: 's1',
    participants: [],
    activeSpeakerId: null,
    activePresenterId: null,
    permissions: ['allow_join'],
    resumeToken: 'secret',
    reconnectGraceSeconds: 30,
    ...overrides,
  };
}

export function participantInfo(id: string, name = id): ParticipantInfo {
  return { id, displayName: name, mode: 'SEND_AND_RECV', metaData: null, streams: [] } as unknown as ParticipantInfo;
}

type TestStream = { id: string; kind: 'audio' | 'video' | 'share' | 'shareAudio' };
type TestEvents = { 'stream-enabled': [TestStream]; 'stream-disabled': [TestStream]; 'media-status-changed': [{ kind: TestStream['kind']; newStatus: boolean }]; 'video-quality-changed': [{ currentQuality: 'low' | 'med' | 'high'; prevQuality: 'low' | 'med' | 'high' }] };
export class TestParticipant extends ParticipantBase<TestStream, TestEvents> {}

/** MeetingCore with a recording MeetingMedia: every media call lands in `mediaCalls`. */
export class TestMeeting extends MeetingCore<TestParticipant, CoreMeetingEvents<TestParticipant>> {
  readonly mediaCalls: Array<[string, unknown?]> = [];
  readonly events: Array<{ ev: string; args: unknown[] }> = [];
  protected readonly platformMedia: MeetingMedia<TestParticipant>;

  constructor(server: FakeServer, opts: { deferJoinedEvent?: boolean; token?: string } = {}) {
    let self: TestMeeting;
    const host = {
      requestQuality: (p: TestParticipant, q: 'low' | 'med' | 'high') => self.requestQuality(p, q),
      setPin: (p: TestParticipant, type: 'SHARE_AND_CAM' | 'CAM' | 'SHARE', pinned: boolean) => self.setPin(p, type, pinned),
      moderate: (p: TestParticipant, action: Parameters<TestMeeting['moderate']>[1]) => self.moderate(p, action),
    };
    super({
      meetingId: 'room',
      platform: { createSocket: server.createSocket },
      log: new Logger(false),
      localParticipant: new TestParticipant('me', 'Me', true, 'SEND_AND_RECV', null, host),
      token: () => ('token' in opts ? opts.token : 'tok'),
      signalingUrl: () => 'ws://fake/v2/rtc',
      joinRequest: () => ({ name: 'Me' }),
      createParticipant: (info) => new TestParticipant(info.id, info.displayName, false, info.mode, info.metaData, host),
      deferJoinedEvent: opts.deferJoinedEvent ?? false,
      serverBaseUrl: () => 'https://rk.example',
    });
    self = this;
    const record = (name: string) => (arg?: unknown) => void this.mediaCalls.push([name, arg]);
    this.platformMedia = {
      participantAdded: (p) => record('participantAdded')(p.id),
      participantGone: (p) => record('participantGone')(p.id),
      streamEnabled: record('streamEnabled'),
      streamDisabled: record('streamDisabled'),
      subscriberOffer: record('subscriberOffer'),
      consume: record('consume'),
      setReceiving: record('setReceiving'),
      mediaReset: record('mediaReset'),
      resumed: record('resumed'),
      joined: record('joined'),
      setOwnMedia: async (kind, enabled) => record('setOwnMedia')({ kind, enabled }),
      close: record('close'),
    };
    const all = ['meeting-joined', 'meeting-left', 'meeting-state-changed', 'participant-joined', 'participant-left', 'participant-mode-changed', 'speaker-changed', 'presenter-changed', 'pin-state-changed', 'entry-requested', 'entry-responded', 'mic-requested', 'webcam-requested', 'recording-state-changed', 'livestream-state-changed', 'hls-state-changed', 'data', 'error'] as const;
    for (const ev of all) this.on(ev, (...args: unknown[]) => this.events.push({ ev, args }));
  }

  named(ev: string): unknown[][] {
    return this.events.filter((e) => e.ev === ev).map((e) => e.args);
  }

  states(): string[] {
    return this.named('meeting-state-changed').map(([s]) => (s as { state: string }).state);
  }
}

/** Lets queued microtasks and the event chain run. */
export async function settle(rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
