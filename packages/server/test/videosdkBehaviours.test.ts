// VideoSDK js-sdk 1.1 behaviours of the browser SDK that its React SDK and quickstart apps rely
// on, in Chromium: the local participant's id at initMeeting (generated, or pinned by the token),
// the meeting-joined payload, an app putting itself in meeting.participants, pubSub's listener
// form with its options, deprecated modes, changeMode back to SEND_AND_RECV, lenient options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join, localState, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
let a: Page;
let b: Page;

const tokenFor = (roomId: string, participantId?: string) =>
  generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join', 'allow_mod'], roomId, ...(participantId && { participantId }), expiresInSeconds: 600 });

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  a = await openSdkPage(browser, server.url, 'a');
  b = await openSdkPage(browser, server.url, 'b');
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Leaves whatever meeting the page is in (so each test starts fresh). */
const leave = (page: Page) => page.evaluate(() => (window as any).rk.meeting?.leave().catch(() => {}));

describe('the local participant at initMeeting', () => {
  it('has an id, its name and local: true before join(); the id is kept by the join and seen by others', async () => {
    const before = await a.evaluate(() => {
      const { VideoSDK } = (window as any).rk;
      const m = VideoSDK.initMeeting({ meetingId: 'ids-room', name: 'Ada' });
      const p = m.localParticipant;
      return { id: p.id, displayName: p.displayName, local: p.local };
    });
    expect(before.id).toMatch(/^[a-z0-9]{8}$/);
    expect(before).toMatchObject({ displayName: 'Ada', local: true });
    const joined = await join(a, { meetingId: 'ids-room', name: 'Ada', micEnabled: false, webcamEnabled: false });
    expect(joined.ok).toBe(true);
    expect(joined.participantId).toMatch(/^[a-z0-9]{8}$/);
    const seenBy = await join(b, { meetingId: 'ids-room', name: 'Bo', micEnabled: false, webcamEnabled: false });
    expect(seenBy.ok).toBe(true);
    expect(await b.evaluate((id) => (window as any).rk.meeting.participants.has(id), joined.participantId!)).toBe(true);
    await Promise.all([leave(a), leave(b)]);
  }, 30_000);

  it("a token's pinned participantId wins over the app's, at initMeeting and at join", async () => {
    const token = tokenFor('pinned-room', 'pinned-id');
    const id = await a.evaluate((t) => (window as any).rk.VideoSDK.initMeeting({ meetingId: 'pinned-room', participantId: 'app-id', token: t }).localParticipant.id, token);
    expect(id).toBe('pinned-id');
    const joined = await join(a, { meetingId: 'pinned-room', name: 'Ada', participantId: 'app-id', token, micEnabled: false, webcamEnabled: false });
    expect(joined).toMatchObject({ ok: true, participantId: 'pinned-id' });
    await leave(a);
  }, 30_000);

  // Taking an id over needs a token pinning it (or the token that joined under it): issue #14.
  it('the same id joining twice with a token pinning it replaces the first connection (DUPLICATE_PARTICIPANT)', async () => {
    expect((await join(a, { meetingId: 'dup-room', name: 'Ada', participantId: 'same-id', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    expect((await join(b, { meetingId: 'dup-room', name: 'Ada again', participantId: 'same-id', token: tokenFor('dup-room', 'same-id'), micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    const replaced = await waitFor(async () => (await events(a)).some((e) => e.ev === 'meeting-left' && e.reason === LeaveReason.DUPLICATE_PARTICIPANT));
    expect(replaced).toBe(true);
    await leave(b);
  }, 30_000);
});

describe('meeting-joined and the participants map', () => {
  it("meeting-joined carries {switchRoomId, peers, poll, messages}; an app's own entry in meeting.participants is never a remote", async () => {
    expect((await join(a, { meetingId: 'payload-room', name: 'Ada', micEnabled: true, webcamEnabled: false })).ok).toBe(true);
    const seen = await b.evaluate(async (token) => {
      const { VideoSDK } = (window as any).rk;
      VideoSDK.config(token);
      const m = VideoSDK.initMeeting({ meetingId: 'payload-room', name: 'Bo', micEnabled: true, webcamEnabled: false });
      (window as any).rk.meeting = m;
      // What VideoSDK's React SDK does right after initMeeting().
      m.participants.set(m.localParticipant.id, m.localParticipant);
      const joinedEvents: string[] = [];
      m.on('participant-joined', (p: any) => joinedEvents.push(p.id));
      const payload = await new Promise<any>((resolve) => {
        m.on('meeting-joined', resolve);
        void m.join();
      });
      await new Promise((r) => setTimeout(r, 2000));
      return {
        localId: m.localParticipant.id,
        payload: { ...payload, peers: payload.peers.map((p: any) => ({ id: p.id, displayName: p.displayName, local: p.local })) },
        joinedEvents,
        mapIds: [...m.participants.keys()],
        localStreams: [...m.localParticipant.streams.values()].map((s: any) => s.kind),
      };
    }, tokenFor('payload-room'));
    const adaId = (await localState(a)).id;
    expect(seen.payload).toEqual({ switchRoomId: null, peers: [{ id: adaId, displayName: 'Ada', local: false }], poll: null, messages: [] });
    expect(seen.joinedEvents).toEqual([adaId]);
    expect(seen.mapIds.sort()).toEqual([adaId, seen.localId].sort());
    expect(seen.localStreams).toEqual(['audio']);
    await Promise.all([leave(a), leave(b)]);
  }, 30_000);
});

describe('join() and meeting-joined', () => {
  it("join() resolves before meeting-joined, so listeners added after `await meeting.join()` (VideoSDK's js-hls quickstart) still hear it and the participants already there", async () => {
    expect((await join(a, { meetingId: 'late-listeners', name: 'Ada', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    const heard = await b.evaluate(async (token) => {
      const { VideoSDK } = (window as any).rk;
      VideoSDK.config(token);
      const m = VideoSDK.initMeeting({ meetingId: 'late-listeners', name: 'Bo' });
      (window as any).rk.meeting = m;
      const seen: string[] = [];
      await m.join();
      seen.push(`after join: ${m.participants.size} participant(s)`);
      m.on('meeting-joined', () => seen.push('meeting-joined'));
      m.on('participant-joined', (p: any) => seen.push(`participant-joined ${p.displayName}`));
      await new Promise((r) => setTimeout(r, 500));
      return seen;
    }, tokenFor('late-listeners'));
    expect(heard).toEqual(['after join: 1 participant(s)', 'meeting-joined', 'participant-joined Ada']);
    await Promise.all([leave(a), leave(b)]);
  }, 30_000);
});

describe('changeWebcam / replaceWebcamStream with a MediaStream', () => {
  it('swaps the live track in place (same stream id, the others keep decoding); while the camera is off the stream is kept for the next enableWebcam()', async () => {
    expect((await join(a, { meetingId: 'swap-room', name: 'Ada', micEnabled: false, webcamEnabled: true })).ok).toBe(true);
    expect((await join(b, { meetingId: 'swap-room', name: 'Bo', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    const adaId = (await localState(a)).id;
    expect(await waitFor(async () => ((await videoInfo(b, adaId))?.framesDecoded ?? 0) > 5, 20_000)).toBe(true);
    const swapped = await a.evaluate(async () => {
      const m = (window as any).rk.meeting;
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 180;
      const ctx = canvas.getContext('2d')!;
      setInterval(() => {
        ctx.fillStyle = `hsl(${Date.now() % 360}, 80%, 50%)`;
        ctx.fillRect(0, 0, 320, 180);
      }, 50);
      const custom = canvas.captureStream(15);
      (window as any).custom = custom;
      const before = [...m.localParticipant.streams.values()].find((s: any) => s.kind === 'video');
      await m.replaceWebcamStream(custom);
      const after = [...m.localParticipant.streams.values()].find((s: any) => s.kind === 'video');
      return { sameId: before.id === after.id, track: after.track.id === custom.getVideoTracks()[0]!.id };
    });
    expect(swapped).toEqual({ sameId: true, track: true });
    const framesAfterSwap = (await videoInfo(b, adaId))?.framesDecoded ?? 0;
    expect(await waitFor(async () => ((await videoInfo(b, adaId))?.framesDecoded ?? 0) > framesAfterSwap + 10, 20_000)).toBe(true);
    const kept = await a.evaluate(async () => {
      const m = (window as any).rk.meeting;
      await m.disableWebcam();
      await m.changeWebcam((window as any).custom);
      const whileOff = m.localParticipant.webcamOn;
      await m.enableWebcam();
      const s = [...m.localParticipant.streams.values()].find((x: any) => x.kind === 'video');
      return { whileOff, published: s?.track.id === (window as any).custom.getVideoTracks()[0].id };
    });
    expect(kept).toEqual({ whileOff: false, published: true });
    await Promise.all([leave(a), leave(b)]);
  }, 60_000);
});

describe('pauseAllStreams / resumeAllStreams', () => {
  it('announce paused-all-streams / resumed-all-streams with the kind (all when none was given)', async () => {
    expect((await join(a, { meetingId: 'pause-all', name: 'Ada', micEnabled: true, webcamEnabled: false })).ok).toBe(true);
    expect((await join(b, { meetingId: 'pause-all', name: 'Bo', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    const heard = await b.evaluate(async () => {
      const m = (window as any).rk.meeting;
      const seen: unknown[] = [];
      m.on('paused-all-streams', (d: unknown) => seen.push(['paused', d]));
      m.on('resumed-all-streams', (d: unknown) => seen.push(['resumed', d]));
      await m.pauseAllStreams('audio');
      await m.resumeAllStreams();
      return seen;
    });
    expect(heard).toEqual([
      ['paused', { kind: 'audio' }],
      ['resumed', { kind: 'all' }],
    ]);
    await Promise.all([leave(a), leave(b)]);
  }, 30_000);
});

describe('pubSub listener objects (VideoSDK 1.1)', () => {
  beforeAll(async () => {
    expect((await join(a, { meetingId: 'pubsub-room', name: 'Ada', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    for (const text of ['one', 'two', 'three']) await a.evaluate((t) => (window as any).rk.meeting.pubSub.publish('CHAT', t, { persist: true }), text);
    expect((await join(b, { meetingId: 'pubsub-room', name: 'Bo', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([leave(a), leave(b)]);
  });

  it('old messages go to onOldMessagesReceived (oldMessageLimit keeps the newest), new ones to onMessageReceived and onBatchReceived; unsubscribe with the same object stops them', async () => {
    await b.evaluate(async () => {
      const got: any = { old: [], each: [], batches: [] };
      (window as any).got = got;
      const listener = {
        onOldMessagesReceived: (msgs: any[], info: any) => got.old.push({ texts: msgs.map((m) => m.message), isLast: info.isLast }),
        onMessageReceived: (m: any) => got.each.push(m.message),
        onBatchReceived: (msgs: any[]) => got.batches.push(msgs.map((m) => m.message)),
      };
      (window as any).listener = listener;
      await (window as any).rk.meeting.pubSub.subscribe('CHAT', listener, { oldMessageLimit: 2 });
    });
    await a.evaluate(() => (window as any).rk.meeting.pubSub.publish('CHAT', 'four'));
    const got = await waitFor(async () => {
      const g = await b.evaluate(() => (window as any).got);
      return g.each.length > 0 ? g : null;
    });
    expect(got.old).toEqual([{ texts: ['two', 'three'], isLast: true }]);
    expect(got.each).toEqual(['four']);
    expect(got.batches).toEqual([['four']]);
    await b.evaluate(() => (window as any).rk.meeting.pubSub.unsubscribe('CHAT', (window as any).listener));
    await a.evaluate(() => (window as any).rk.meeting.pubSub.publish('CHAT', 'five'));
    await new Promise((r) => setTimeout(r, 1000));
    expect((await b.evaluate(() => (window as any).got)).each).toEqual(['four']);
  }, 30_000);

  it("newMessageLimit with realtimeOverflow 'drop' delivers that many per 500 ms and reports the rest to onMessageDrop", async () => {
    await b.evaluate(async () => {
      const got: any = { each: [], dropped: 0 };
      (window as any).got2 = got;
      const listener = { onMessageReceived: (m: any) => got.each.push(m.message), onMessageDrop: (i: any) => (got.dropped += i.droppedCount) };
      await (window as any).rk.meeting.pubSub.subscribe('BURST', listener, { newMessageLimit: 2, realtimeOverflow: 'drop' });
    });
    await a.evaluate(() => Promise.all(['m1', 'm2', 'm3', 'm4', 'm5'].map((t) => (window as any).rk.meeting.pubSub.publish('BURST', t))));
    const got = await waitFor(async () => {
      const g = await b.evaluate(() => (window as any).got2);
      return g.each.length + g.dropped === 5 ? g : null;
    });
    expect(got).toBeTruthy();
    expect(got.each.length).toBeGreaterThanOrEqual(2);
    expect(got.each.length).toBeLessThan(5);
    expect(got.dropped).toBe(5 - got.each.length);
  }, 30_000);

  it('bad listeners or options are refused with ERROR_INVALID_PARAMETER; the callback form still resolves with the old messages', async () => {
    const codes = await b.evaluate(async () => {
      const ps = (window as any).rk.meeting.pubSub;
      const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: any) => e.code);
      return [
        await codeOf(ps.subscribe('CHAT', { onMessageReceived: 'nope' })),
        await codeOf(ps.subscribe('CHAT', {}, { newMessageLimit: 0 })),
        await codeOf(ps.subscribe('CHAT', {}, { realtimeOverflow: 'drop', maxQueue: 5 })),
        await codeOf(ps.subscribe('CHAT', {}, { oldMessageLimit: -1 })),
      ];
    });
    expect(codes).toEqual(Array(4).fill(ErrorCode.ERROR_INVALID_PARAMETER));
    const old = await b.evaluate(async () => (await (window as any).rk.meeting.pubSub.subscribe('CHAT', () => {})).map((m: any) => m.message));
    expect(old).toEqual(['one', 'two', 'three']);
  });
});

describe('modes', () => {
  it("deprecated VIEWER / CONFERENCE are aliases; participant.mode reports the current name; changeMode('CONFERENCE') turns mic and camera back on per config", async () => {
    const viewerMode = await a.evaluate(() => (window as any).rk.VideoSDK.initMeeting({ meetingId: 'mode-alias', mode: 'VIEWER' }).localParticipant.mode);
    expect(viewerMode).toBe('SIGNALLING_ONLY');
    expect((await join(a, { meetingId: 'mode-alias', name: 'Ada', micEnabled: true, webcamEnabled: true })).ok).toBe(true);
    expect(await waitFor(async () => (await localState(a)).webcamOn && (await localState(a)).micOn)).toBe(true);
    expect((await callMeeting(a, 'changeMode', 'VIEWER')).ok).toBe(true);
    expect(await waitFor(async () => !(await localState(a)).webcamOn && !(await localState(a)).micOn)).toBe(true);
    expect(await a.evaluate(() => (window as any).rk.meeting.localParticipant.mode)).toBe('SIGNALLING_ONLY');
    expect((await callMeeting(a, 'changeMode', 'CONFERENCE')).ok).toBe(true);
    expect(await a.evaluate(() => (window as any).rk.meeting.localParticipant.mode)).toBe('SEND_AND_RECV');
    expect(await waitFor(async () => (await localState(a)).webcamOn && (await localState(a)).micOn, 20_000)).toBe(true);
    await leave(a);
  }, 60_000);

  it('initMeeting is lenient where VideoSDK is: numeric ids and names, "false" strings, any-case maxResolution', async () => {
    const m = await a.evaluate(() => {
      const meeting = (window as any).rk.VideoSDK.initMeeting({ meetingId: 12345, name: 42, micEnabled: 'false', maxResolution: 'SD' });
      return { id: meeting.id, name: meeting.localParticipant.displayName };
    });
    expect(m).toEqual({ id: '12345', name: '42' });
    const code = await a.evaluate(() => {
      try {
        (window as any).rk.VideoSDK.initMeeting({ meetingId: 'x', metaData: 'not an object' });
        return 'ok';
      } catch (e: any) {
        return e.code;
      }
    });
    expect(code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });
});
