// The Node client (@roomkit/node-client) through a real server, in the scenarios the browser SDK's
// resume, moderation, lobby and pin tests cover: both sit on @roomkit/client-core, so a bot must
// behave as a page does. The socket drop is real: the client's TCP connection destroyed without a
// close frame, and a TCP relay that goes silent (a dead path the socket does not notice).
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import { initMeeting, type Meeting } from '@roomkit/node-client';
import { generateToken } from '../src/auth/AccessToken.js';
import type { Permission } from '../src/auth/AccessToken.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { until } from './helpers/nodeParticipants.js';

let server: TestServer;
const meetings: Meeting[] = [];
let relay: SilentableRelay | null = null;

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const m of meetings.splice(0)) await m.leave().catch(() => {});
  await relay?.close();
  relay = null;
});
afterAll(async () => {
  await server?.stop();
});

function token(room: string, permissions: Permission[]): string {
  return generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions, roomId: room });
}

/** A Node participant with its events recorded in order. */
function bot(room: string, name: string, permissions: Permission[], opts: { url?: string; mic?: boolean } = {}) {
  const meeting = initMeeting({
    meetingId: room,
    name,
    signalingBaseUrl: opts.url ?? server.url,
    token: token(room, permissions),
    mode: opts.mic ? 'SEND_AND_RECV' : 'SIGNALLING_ONLY',
    micEnabled: opts.mic ?? false,
    bindAddress: '127.0.0.1',
  });
  meetings.push(meeting);
  const seen: Array<{ ev: string; args: unknown[] }> = [];
  for (const ev of ['meeting-state-changed', 'meeting-left', 'participant-joined', 'participant-left', 'pin-state-changed', 'entry-requested', 'entry-responded', 'mic-requested', 'webcam-requested', 'error'] as const) {
    meeting.on(ev, (...args: unknown[]) => seen.push({ ev, args }));
  }
  const find = (ev: string, pred: (args: unknown[]) => boolean = () => true) => seen.find((e) => e.ev === ev && pred(e.args));
  return { meeting, seen, find };
}

/** The TCP socket under the Node client's signaling WebSocket (the `ws` package's). */
function signalingSocket(meeting: Meeting): Socket {
  const ws = (meeting as unknown as { signaling: { ws: { _socket: Socket } } }).signaling.ws;
  return ws._socket;
}

/** A TCP relay to the server that can go silent: bytes stop flowing both ways, nothing is closed. */
class SilentableRelay {
  private readonly sockets = new Set<Socket>();
  private constructor(private readonly srv: Server, readonly url: string) {}

  static async start(target: URL): Promise<SilentableRelay> {
    let relay!: SilentableRelay;
    const srv = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname);
      for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
        relay.sockets.add(from);
        from.on('data', (chunk) => to.write(chunk));
        from.on('error', () => {});
        from.on('close', () => to.destroy());
      }
    });
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as { port: number }).port;
    relay = new SilentableRelay(srv, `http://127.0.0.1:${port}`);
    return relay;
  }

  /** Drops every byte on the connections open now; new connections flow normally. */
  silenceExisting(): void {
    for (const s of this.sockets) {
      s.removeAllListeners('data');
      s.on('data', () => {});
    }
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.srv.close(() => resolve()));
  }
}

describe('node client: resume after a socket drop', () => {
  it('a TCP connection destroyed without a close frame: RECONNECTING → CONNECTED, same participant, nobody sees it leave, missed messages arrive', async () => {
    const ada = bot('node-resume', 'Ada', ['allow_join']);
    const bob = bot('node-resume', 'Bob', ['allow_join']);
    await ada.meeting.join();
    await bob.meeting.join();
    const adaId = ada.meeting.localParticipant.id;
    const received: string[] = [];
    await ada.meeting.pubSub.subscribe('chat', (m) => received.push(m.message));

    signalingSocket(ada.meeting).destroy();
    expect(await until(() => ada.find('meeting-state-changed', ([i]) => (i as { state: string }).state === 'RECONNECTING'), 10_000)).toBeTruthy();
    // Sent while Ada is away: the server replays it on resume.
    await bob.meeting.pubSub.publish('chat', 'while you were away');
    expect(await until(() => ada.find('meeting-state-changed', ([i]) => (i as { state: string }).state === 'CONNECTED' ) && ada.meeting.meetingState === 'CONNECTED', 20_000)).toBe(true);
    expect(await until(() => received.includes('while you were away'), 10_000)).toBe(true);
    expect(ada.meeting.localParticipant.id).toBe(adaId);
    expect(ada.find('meeting-left')).toBeUndefined();
    expect(bob.find('participant-left')).toBeUndefined();
    // Still a working member: a message after the resume reaches Bob.
    const toBob: string[] = [];
    await bob.meeting.pubSub.subscribe('back', (m) => toBob.push(m.message));
    await ada.meeting.pubSub.publish('back', 'hello again');
    expect(await until(() => toBob.includes('hello again'), 10_000)).toBe(true);
  });

  it('a silent network path (no bytes, no close): the ping timeout notices, and the client resumes through a new connection', async () => {
    relay = await SilentableRelay.start(new URL(server.url));
    const ada = bot('node-ping', 'Ada', ['allow_join'], { url: relay.url });
    const bob = bot('node-ping', 'Bob', ['allow_join']);
    await ada.meeting.join();
    await bob.meeting.join();
    const adaId = ada.meeting.localParticipant.id;

    relay.silenceExisting();
    // Ping interval 5 s + ping timeout 4 s: generous bounds for a loaded machine.
    expect(await until(() => ada.find('meeting-state-changed', ([i]) => (i as { state: string }).state === 'RECONNECTING'), 30_000)).toBeTruthy();
    expect(await until(() => ada.meeting.meetingState === 'CONNECTED', 30_000)).toBe(true);
    expect(ada.meeting.localParticipant.id).toBe(adaId);
    expect(ada.find('meeting-left')).toBeUndefined();
    expect(bob.find('participant-left')).toBeUndefined();
    expect(bob.meeting.participants.has(adaId)).toBe(true);
  }, 90_000);
});

describe('node client: lobby', () => {
  it('ask_join admitted: the host gets entry-requested with the name, allow() admits, the asker joins and gets entry-responded allowed', async () => {
    const host = bot('node-lobby', 'Hana', ['allow_join', 'allow_mod']);
    await host.meeting.join();
    const ann = bot('node-lobby', 'Ann', ['ask_join']);
    const joining = ann.meeting.join();
    const request = await until(() => host.find('entry-requested'), 10_000);
    const info = request!.args[0] as { participantId: string; name: string; allow(): void };
    expect(info.name).toBe('Ann');
    info.allow();
    await joining;
    expect(ann.meeting.localParticipant.id).toBe(info.participantId);
    expect(await until(() => ann.find('entry-responded', ([id, d]) => id === info.participantId && d === 'allowed'), 10_000)).toBeTruthy();
    expect(await until(() => host.find('participant-joined', ([p]) => (p as { id: string }).id === info.participantId), 10_000)).toBeTruthy();
  });

  it('ask_join denied: join() rejects with ERROR_UNABLE_TO_JOIN_MEETING and the asker saw entry-responded denied', async () => {
    const host = bot('node-lobby-deny', 'Hana', ['allow_join', 'allow_mod']);
    await host.meeting.join();
    const dan = bot('node-lobby-deny', 'Dan', ['ask_join']);
    const joining = dan.meeting.join().then(() => null, (err: { code?: number }) => err);
    const request = await until(() => host.find('entry-requested'), 10_000);
    await host.meeting.respondEntry((request!.args[0] as { participantId: string }).participantId, 'denied');
    const err = await joining;
    expect(err?.code).toBe(ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING);
    expect(dan.find('entry-responded', ([, d]) => d === 'denied')).toBeTruthy();
    expect(host.find('participant-joined', ([p]) => (p as { displayName: string }).displayName === 'Dan')).toBeUndefined();
  });
});

describe('node client: moderation', () => {
  it('the host turns the guest mic off, asks for it back (accepted), a guest cannot moderate, and remove() sends the guest away with REMOVE_PEER', async () => {
    const host = bot('node-mod', 'Hana', ['allow_join', 'allow_mod']);
    await host.meeting.join();
    const gus = bot('node-mod', 'Gus', ['allow_join'], { mic: true });
    await gus.meeting.join();
    const gusId = gus.meeting.localParticipant.id;
    const gusAtHost = () => host.meeting.participants.get(gusId);
    expect(await until(() => gusAtHost()?.micOn, 20_000)).toBe(true);

    // A guest without allow_mod is refused, rejected and told through `error`.
    const refused = await host.meeting.localParticipant.id;
    const guestTry = await gus.meeting.participants.get(refused)!.disableMic().then(() => null, (e: { code?: number }) => e.code);
    expect(guestTry).toBe(ErrorCode.UNAUTHORIZED_REQUEST);
    expect(gus.find('error', ([e]) => (e as { code: number }).code === ErrorCode.UNAUTHORIZED_REQUEST)).toBeTruthy();

    await gusAtHost()!.disableMic();
    expect(await until(() => gus.meeting.localParticipant.micOn === false && gusAtHost()?.micOn === false, 10_000)).toBe(true);

    gus.meeting.on('mic-requested', (info) => info.accept());
    await gusAtHost()!.enableMic();
    expect(await until(() => gus.find('mic-requested', ([i]) => (i as { participantId: string }).participantId === refused), 10_000)).toBeTruthy();
    expect(await until(() => gusAtHost()?.micOn === true, 20_000)).toBe(true);

    // A rejected camera request leaves the camera off.
    gus.meeting.on('webcam-requested', (info) => info.reject());
    await gusAtHost()!.enableWebcam();
    expect(await until(() => gus.find('webcam-requested'), 10_000)).toBeTruthy();
    expect(gus.meeting.localParticipant.webcamOn).toBe(false);

    await gusAtHost()!.remove();
    const left = await until(() => gus.find('meeting-left'), 10_000);
    expect((left!.args[0] as { reason: number }).reason).toBe(LeaveReason.REMOVE_PEER);
    expect(await until(() => host.find('participant-left', ([p]) => (p as { id: string }).id === gusId), 10_000)).toBeTruthy();
  }, 90_000);
});

describe('node client: pins', () => {
  it('pin() reaches everyone as pin-state-changed with who pinned; pinnedParticipants follows; a late joiner has it; a bad type is refused', async () => {
    const ada = bot('node-pins', 'Ada', ['allow_join']);
    const bob = bot('node-pins', 'Bob', ['allow_join']);
    await ada.meeting.join();
    await bob.meeting.join();
    const adaId = ada.meeting.localParticipant.id;
    const bobId = bob.meeting.localParticipant.id;

    ada.meeting.participants.get(bobId)!.pin('CAM');
    for (const b of [ada, bob]) {
      const ev = await until(() => b.find('pin-state-changed'), 10_000);
      expect(ev!.args[0]).toEqual({ participantId: bobId, state: { cam: true, share: false }, pinnedBy: adaId });
    }
    expect(bob.meeting.localParticipant.pinState).toEqual({ cam: true, share: false });
    expect(ada.meeting.pinnedParticipants.get(bobId)).toEqual({ cam: true, share: false });

    const cy = bot('node-pins', 'Cy', ['allow_join']);
    await cy.meeting.join();
    expect(cy.meeting.participants.get(bobId)!.pinState).toEqual({ cam: true, share: false });
    expect(cy.meeting.pinnedParticipants.get(bobId)).toEqual({ cam: true, share: false });

    cy.meeting.participants.get(bobId)!.unpin();
    expect(await until(() => ada.find('pin-state-changed', ([i]) => (i as { pinnedBy: string }).pinnedBy === cy.meeting.localParticipant.id), 10_000)).toBeTruthy();
    expect(ada.meeting.pinnedParticipants.has(bobId)).toBe(false);

    ada.meeting.participants.get(bobId)!.pin('BOTH' as never);
    expect(ada.find('error', ([e]) => (e as { code: number }).code === ErrorCode.ERROR_INVALID_PARAMETER)).toBeTruthy();
  });
});
