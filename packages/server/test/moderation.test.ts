// Moderation and the lobby with real Chromium clients: remove, remote mute, mic/camera requests
// accepted and rejected, end for all, ask_join admitted and denied, duplicate participant ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import type { Permission } from '../src/auth/AccessToken.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join, joinOutcome, localState, openSdkPage, remoteState, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const MEETING = 'moderated-room';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function token(permissions: Permission[]): string {
  return generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions, roomId: MEETING });
}

async function enter(name: string, permissions: Permission[], opts: { mic?: boolean; cam?: boolean; participantId?: string; background?: boolean } = {}) {
  pages[name] ??= await openSdkPage(browser, server.url, name);
  const res = await join(pages[name]!, {
    meetingId: MEETING,
    name,
    token: token(permissions),
    micEnabled: opts.mic ?? true,
    webcamEnabled: opts.cam ?? false,
    ...(opts.participantId ? { participantId: opts.participantId } : {}),
    ...(opts.background ? { background: true } : {}),
  });
  if (res.ok && res.participantId) ids[name] = res.participantId;
  return res;
}

const sawEvent = (page: Page, ev: string, participantId?: string) =>
  waitFor(async () => (await events(page)).find((e) => e.ev === ev && (participantId === undefined || e.participantId === participantId)));

const callRemote = (page: Page, targetId: string, method: string) =>
  page.evaluate(
    async ([id, m]) => {
      try {
        await (window as any).rk.meeting.participants.get(id)[m]();
        return { ok: true };
      } catch (err: any) {
        return { ok: false, code: err?.code, message: String(err?.message) };
      }
    },
    [targetId, method] as const,
  );

describe('moderation', () => {
  it('host (allow_mod) and guest (allow_join) join', async () => {
    expect((await enter('Hana', ['allow_join', 'allow_mod'])).ok).toBe(true);
    expect((await enter('Gus', ['allow_join'], { mic: true })).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Hana!, ids.Gus!))?.micOn)).toBe(true);
  });

  it('a guest without allow_mod cannot remove, mute or end: UNAUTHORIZED_REQUEST', async () => {
    const refusals = async () => (await events(pages.Gus!)).filter((e) => e.ev === 'error' && (e.data as any).code === ErrorCode.UNAUTHORIZED_REQUEST).length;
    const remove = await callRemote(pages.Gus!, ids.Hana!, 'remove');
    expect(remove).toMatchObject({ ok: false, code: ErrorCode.UNAUTHORIZED_REQUEST });
    expect(await waitFor(async () => (await refusals()) === 1)).toBe(true); // rejected and emitted, as VideoSDK does
    const mute = await callRemote(pages.Gus!, ids.Hana!, 'disableMic');
    expect(mute).toMatchObject({ ok: false, code: ErrorCode.UNAUTHORIZED_REQUEST });
    await callMeeting(pages.Gus!, 'end');
    expect(await waitFor(async () => (await events(pages.Gus!)).find((e) => e.ev === 'error' && (e.data as any).code === ErrorCode.UNAUTHORIZED_REQUEST))).toBeTruthy();
    expect((await localState(pages.Hana!)).micOn).toBe(true);
  });

  it('the host turns the guest mic off: the guest micOn becomes false everywhere', async () => {
    expect((await callRemote(pages.Hana!, ids.Gus!, 'disableMic')).ok).toBe(true);
    expect(await waitFor(async () => (await localState(pages.Gus!)).micOn === false)).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Hana!, ids.Gus!))?.micOn === false)).toBe(true);
  });

  it('a mic request accepted turns the guest mic on; a camera request rejected leaves it off', async () => {
    await pages.Gus!.evaluate(() => ((window as any).rk.mediaRequestAnswer = 'accept'));
    expect((await callRemote(pages.Hana!, ids.Gus!, 'enableMic')).ok).toBe(true);
    expect(await sawEvent(pages.Gus!, 'mic-requested', ids.Hana)).toBeTruthy();
    expect(await waitFor(async () => (await remoteState(pages.Hana!, ids.Gus!))?.micOn === true)).toBe(true);

    await pages.Gus!.evaluate(() => ((window as any).rk.mediaRequestAnswer = 'reject'));
    expect((await callRemote(pages.Hana!, ids.Gus!, 'enableWebcam')).ok).toBe(true);
    expect(await sawEvent(pages.Gus!, 'webcam-requested', ids.Hana)).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await localState(pages.Gus!)).webcamOn).toBe(false);
  });

  it('ask_join admitted: the host gets entry-requested, allows, and the asker joins', async () => {
    const pending = await enter('Ann', ['ask_join'], { background: true });
    expect(pending.ok).toBe(true);
    const request = await sawEvent(pages.Hana!, 'entry-requested');
    expect(request!.name).toBe('Ann');
    expect((await callMeeting(pages.Hana!, 'respondEntry', request!.participantId, 'allowed')).ok).toBe(true);
    const outcome = await joinOutcome(pages.Ann!);
    expect(outcome.ok).toBe(true);
    ids.Ann = outcome.participantId!;
    expect(ids.Ann).toBe(request!.participantId);
    expect(await sawEvent(pages.Ann!, 'entry-responded', ids.Ann)).toMatchObject({ data: 'allowed' });
    expect(await sawEvent(pages.Hana!, 'participant-joined', ids.Ann)).toBeTruthy();
  });

  it('ask_join denied: the asker join fails and it never receives media', async () => {
    await enter('Dan', ['ask_join'], { background: true });
    const request = await waitFor(async () => (await events(pages.Hana!)).find((e) => e.ev === 'entry-requested' && e.name === 'Dan'));
    expect((await callMeeting(pages.Hana!, 'respondEntry', request!.participantId, 'denied')).ok).toBe(true);
    const outcome = await joinOutcome(pages.Dan!);
    expect(outcome).toMatchObject({ ok: false, code: ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING });
    const danEvents = await events(pages.Dan!);
    expect(danEvents.some((e) => e.ev === 'stream-enabled' || e.ev === 'participant-joined')).toBe(false);
    expect(danEvents.find((e) => e.ev === 'entry-responded')).toMatchObject({ data: 'denied' });
    expect((await events(pages.Hana!)).some((e) => e.ev === 'participant-joined' && e.name === 'Dan')).toBe(false);
  });

  it('a second connection with the same participant id and a token pinning it replaces the first, which leaves with DUPLICATE_PARTICIPANT', async () => {
    pages.Gus2 = await openSdkPage(browser, server.url, 'Gus2');
    const pinned = generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join'], roomId: MEETING, participantId: ids.Gus! });
    const res = await join(pages.Gus2, { meetingId: MEETING, name: 'Gus again', token: pinned, participantId: ids.Gus!, micEnabled: false, webcamEnabled: false });
    expect(res.ok).toBe(true);
    const left = await sawEvent(pages.Gus!, 'meeting-left');
    expect(left!.reason).toBe(LeaveReason.DUPLICATE_PARTICIPANT);
  });

  it('the host removes a participant: it leaves with REMOVE_PEER and the others see participant-left', async () => {
    expect((await callRemote(pages.Hana!, ids.Ann!, 'remove')).ok).toBe(true);
    expect((await sawEvent(pages.Ann!, 'meeting-left'))!.reason).toBe(LeaveReason.REMOVE_PEER);
    expect(await sawEvent(pages.Gus2!, 'participant-left', ids.Ann)).toBeTruthy();
  });

  it('end() by the host ends the meeting for everyone', async () => {
    expect((await callMeeting(pages.Hana!, 'end')).ok).toBe(true);
    for (const name of ['Hana', 'Gus2']) {
      const left = await sawEvent(pages[name]!, 'meeting-left');
      expect(left!.reason, name).toBe(LeaveReason.ROOM_CLOSE);
    }
  });
});
