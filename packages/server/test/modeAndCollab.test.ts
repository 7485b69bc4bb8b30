// changeMode(), autoConsume, send()/data and realtimeStore in the browser SDK, with real Chromium
// clients: a viewer that starts SIGNALLING_ONLY receives decoded video after switching to
// RECV_ONLY, stops receiving when switching back, and can publish after SEND_AND_RECV; a publisher
// that switches to RECV_ONLY stops sending; everyone hears participant-mode-changed. With
// autoConsume false nothing is received until consume*Streams().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join, localState, openSdkPage, remoteState, videoInfo, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
let pub: Page;
let viewer: Page;
const ids: Record<string, string> = {};
const MEETING = 'mode-room';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  pub = await openSdkPage(browser, server.url, 'pub');
  viewer = await openSdkPage(browser, server.url, 'viewer');
  const p = await join(pub, { meetingId: MEETING, name: 'Pub', micEnabled: true, webcamEnabled: true });
  const v = await join(viewer, { meetingId: MEETING, name: 'Viewer', micEnabled: false, webcamEnabled: false, mode: 'SIGNALLING_ONLY' });
  expect(p.ok && v.ok).toBe(true);
  ids.pub = p.participantId!;
  ids.viewer = v.participantId!;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const modeChange = (page: Page, participantId: string, mode: string) =>
  waitFor(async () => (await events(page)).find((e) => e.ev === 'participant-mode-changed' && e.participantId === participantId && e.data === mode));
const framesOf = async (page: Page, participantId: string) => (await videoInfo(page, participantId))?.framesDecoded ?? 0;

describe('changeMode', () => {
  it('a SIGNALLING_ONLY viewer sees flags but no streams', async () => {
    expect(await waitFor(async () => (await remoteState(viewer, ids.pub!))?.webcamOn)).toBe(true);
    expect((await remoteState(viewer, ids.pub!))!.kinds).toEqual([]);
  });

  it('SIGNALLING_ONLY → RECV_ONLY: everyone hears it and the viewer decodes the publisher', async () => {
    expect((await callMeeting(viewer, 'changeMode', 'RECV_ONLY')).ok).toBe(true);
    expect(await modeChange(pub, ids.viewer!, 'RECV_ONLY')).toBeTruthy();
    expect(await modeChange(viewer, ids.viewer!, 'RECV_ONLY')).toBeTruthy();
    expect(await waitFor(async () => (await framesOf(viewer, ids.pub!)) > 5, 20_000)).toBe(true);
    expect((await remoteState(viewer, ids.pub!))!.kinds).toEqual(['audio', 'video']);
    expect(await pub.evaluate((id) => (window as any).rk.meeting.participants.get(id).mode, ids.viewer!)).toBe('RECV_ONLY');
  });

  it('RECV_ONLY → SIGNALLING_ONLY: the streams end, the flags stay', async () => {
    expect((await callMeeting(viewer, 'changeMode', 'SIGNALLING_ONLY')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(viewer, ids.pub!))!.kinds.length === 0)).toBe(true);
    const disabled = (await events(viewer)).filter((e) => e.ev === 'stream-disabled' && e.participantId === ids.pub);
    // (sdkPage listens twice to participants already there at join, so events come in pairs)
    expect([...new Set(disabled.map((e) => e.kind))].sort()).toEqual(['audio', 'video']);
    expect((await remoteState(viewer, ids.pub!))!.webcamOn).toBe(true);
    expect(await modeChange(pub, ids.viewer!, 'SIGNALLING_ONLY')).toBeTruthy();
  });

  it('→ SEND_AND_RECV: the viewer receives again and can publish its camera', async () => {
    expect((await callMeeting(viewer, 'changeMode', 'SEND_AND_RECV')).ok).toBe(true);
    expect(await waitFor(async () => (await framesOf(viewer, ids.pub!)) > 5, 20_000)).toBe(true);
    expect((await callMeeting(viewer, 'enableWebcam')).ok).toBe(true);
    expect(await waitFor(async () => (await framesOf(pub, ids.viewer!)) > 5, 20_000)).toBe(true);
  });

  it('a publisher switching to RECV_ONLY stops sending; publishing then fails with 3066', async () => {
    expect((await callMeeting(pub, 'changeMode', 'RECV_ONLY')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(viewer, ids.pub!))?.webcamOn === false && (await remoteState(viewer, ids.pub!))?.micOn === false)).toBe(true);
    expect(await modeChange(viewer, ids.pub!, 'RECV_ONLY')).toBeTruthy();
    const local = await localState(pub);
    expect([local.micOn, local.webcamOn]).toEqual([false, false]);
    await callMeeting(pub, 'enableWebcam');
    const refused = await waitFor(async () => (await events(pub)).find((e) => e.ev === 'error' && (e.data as any).code === ErrorCode.ERROR_ACTION_NOT_SUPPORTED_IN_MODE));
    expect(refused).toBeTruthy();
    // It still receives the viewer's camera.
    const before = await framesOf(pub, ids.viewer!);
    expect(await waitFor(async () => (await framesOf(pub, ids.viewer!)) > before + 5, 20_000)).toBe(true);
  });

  it('an unknown mode is refused with ERROR_INVALID_MODE', async () => {
    const res = await callMeeting(viewer, 'changeMode', 'BROADCAST');
    expect(res.ok).toBe(false);
    expect(res.error).toContain(String(ErrorCode.ERROR_INVALID_MODE));
  });
});

describe('send() and realtimeStore in the browser SDK', () => {
  it('text and Blob payloads reach the other page with sender and reliability', async () => {
    expect((await callMeeting(pub, 'send', 'hello from pub')).ok).toBe(true);
    await viewer.evaluate(() => (window as any).rk.meeting.send(new Blob([new Uint8Array([1, 2, 3, 255])]), { reliability: 'UNRELIABLE' }));
    const text = await waitFor(async () => (await events(viewer)).find((e) => e.ev === 'data'));
    expect(text).toMatchObject({ participantId: ids.pub, data: { payload: 'hello from pub', reliability: 'RELIABLE' } });
    const bytes = await waitFor(async () => (await events(pub)).find((e) => e.ev === 'data'));
    expect(bytes).toMatchObject({ participantId: ids.viewer, data: { payload: [1, 2, 3, 255], reliability: 'UNRELIABLE' } });
    const tooBig = await callMeeting(pub, 'send', 'x'.repeat(15 * 1024 + 1));
    expect(tooBig.error).toContain(String(ErrorCode.ERROR_PAYLOAD_TOO_LARGE));
  });

  it('an observer on one page sees a value set on the other', async () => {
    await viewer.evaluate(async () => {
      const rk = (window as any).rk;
      rk.changes = [];
      rk.observerId = await rk.meeting.realtimeStore.observe('slide', (value: string | null, updatedBy: string) => rk.changes.push([value, updatedBy]));
    });
    await pub.evaluate(() => (window as any).rk.meeting.realtimeStore.setValue('slide', '7'));
    const changes = await waitFor(async () => {
      const list = await viewer.evaluate(() => (window as any).rk.changes as unknown[]);
      return list.length > 0 ? list : null;
    });
    expect(changes).toEqual([['7', ids.pub]]);
    expect(await viewer.evaluate(() => (window as any).rk.meeting.realtimeStore.getValue('slide'))).toBe('7');
  });
});

/** Video RTP packets received by all of a page's connections (raw WebRTC stats). */
const videoPacketsIn = (page: Page) =>
  page.evaluate(async () => {
    let total = 0;
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: any) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') total += s.packetsReceived ?? 0;
      });
    }
    return total;
  });

/** True once a whole second passes with fewer than 10 video packets received (polled for up to 15 s). */
async function videoQuiet(page: Page): Promise<boolean> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const before = await videoPacketsIn(page);
    await new Promise((r) => setTimeout(r, 1000));
    if ((await videoPacketsIn(page)) - before < 10) return true;
  }
  return false;
}

describe('autoConsume: false', () => {
  let cam: Page;
  let lazy: Page;
  const call = (page: Page, id: string, method: string) => page.evaluate(([pid, m]) => (window as any).rk.meeting.participants.get(pid)[m](), [id, method] as const);

  it('receives nothing until consumeWebcamStreams(); flags still show what is published', async () => {
    cam = await openSdkPage(browser, server.url, 'cam');
    lazy = await openSdkPage(browser, server.url, 'lazy');
    const c = await join(cam, { meetingId: 'consume-room', name: 'Cam', micEnabled: true, webcamEnabled: true });
    const l = await join(lazy, { meetingId: 'consume-room', name: 'Lazy', micEnabled: false, webcamEnabled: false, autoConsume: false });
    ids.cam = c.participantId!;
    expect(l.ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(lazy, ids.cam!))?.webcamOn && (await remoteState(lazy, ids.cam!))?.micOn)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await remoteState(lazy, ids.cam!))!.kinds).toEqual([]);
    expect((await events(lazy)).some((e) => e.ev === 'stream-enabled' && e.participantId === ids.cam)).toBe(false);
    expect(await videoQuiet(lazy)).toBe(true); // paused on the server: ~0 packets/s, not ~100

    await call(lazy, ids.cam!, 'consumeWebcamStreams');
    expect(await waitFor(async () => (await framesOf(lazy, ids.cam!)) > 5, 20_000)).toBe(true);
    expect((await remoteState(lazy, ids.cam!))!.kinds).toEqual(['video']);
  });

  it('consumeMicStreams() adds the mic; stopConsumingWebcamStreams() stops the camera but keeps webcamOn', async () => {
    await call(lazy, ids.cam!, 'consumeMicStreams');
    expect(await waitFor(async () => (await remoteState(lazy, ids.cam!))!.kinds.length === 2)).toBe(true);
    await call(lazy, ids.cam!, 'stopConsumingWebcamStreams');
    expect(await waitFor(async () => (await remoteState(lazy, ids.cam!))!.kinds.join() === 'audio')).toBe(true);
    expect((await remoteState(lazy, ids.cam!))!.webcamOn).toBe(true);
    expect(await videoQuiet(lazy)).toBe(true);
  });
});

describe('bad arguments get ERROR_INVALID_PARAMETER (3073) and an error event', () => {
  const errorsOf = async (page: Page) => (await events(page)).filter((e) => e.ev === 'error').map((e) => e.data as { code: number; message: string });

  it('setWebcamQuality, pauseAllStreams, pin and a custom track that is not a MediaStream', async () => {
    const before = (await errorsOf(viewer)).length;
    await callMeeting(viewer, 'setWebcamQuality', 'ultra');
    await callMeeting(viewer, 'pauseAllStreams', 'hologram');
    await viewer.evaluate((id) => (window as any).rk.meeting.participants.get(id).pin('BOTH'), ids.pub!);
    await callMeeting(viewer, 'unmuteMic', 'not a stream');
    const fresh = await waitFor(async () => {
      const list = (await errorsOf(viewer)).slice(before);
      return list.length >= 4 ? list : null;
    });
    expect(fresh!.map((e) => e.code)).toEqual(Array(4).fill(ErrorCode.ERROR_INVALID_PARAMETER));
    expect(fresh!.map((e) => e.message).join(' | ')).toMatch(/setWebcamQuality.*pauseAllStreams.*pin.*MediaStream/);
    expect((await localState(viewer)).micOn).toBe(false);
    expect((await remoteState(viewer, ids.pub!))).toBeTruthy();
  });

  it('participant.setQuality with an unknown quality rejects with 3073 before any request', async () => {
    const code = await viewer.evaluate(async (id) => {
      try {
        await (window as any).rk.meeting.participants.get(id).setQuality('ultra');
        return null;
      } catch (err: any) {
        return err.code;
      }
    }, ids.pub!);
    expect(code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });

  it('initMeeting with an unknown mode throws ERROR_INVALID_MODE', async () => {
    const code = await viewer.evaluate(() => {
      try {
        (window as any).rk.VideoSDK.initMeeting({ meetingId: 'x', mode: 'BROADCAST' });
        return null;
      } catch (err: any) {
        return err.code;
      }
    });
    expect(code).toBe(ErrorCode.ERROR_INVALID_MODE);
  });
});
