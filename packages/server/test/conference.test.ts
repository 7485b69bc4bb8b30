// Core conferencing with real Chromium clients through the browser SDK: joins and leaves, video
// decoded and audio received from everyone, mute/camera toggles, screen share, quality switches, chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { connectWs } from './helpers/wsClient.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { audioPackets, callMeeting, events, join, openSdkPage, remoteState, startScreenShare, videoInfo, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const MEETING = 'core-room';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function framesRising(page: Page, participantId: string, kind = 'video'): Promise<boolean> {
  const first = await videoInfo(page, participantId, kind);
  if (!first || first.framesDecoded === 0) return false;
  await new Promise((r) => setTimeout(r, 700));
  const second = await videoInfo(page, participantId, kind);
  return !!second && second.framesDecoded > first.framesDecoded;
}

/**
 * Decoded frames rise within a few seconds. One 700 ms sample is not enough on a loaded 2-core
 * machine: a CPU-starved publisher can pause its encoder that long without anything being wrong.
 */
function keepsPlaying(page: Page, participantId: string, kind = 'video'): Promise<boolean> {
  return waitFor(() => framesRising(page, participantId, kind), 5_000);
}

describe('three participants in one meeting', () => {
  it('each joins through the SDK and the others get participant-joined with its id and name', async () => {
    for (const name of ['Alice', 'Bob', 'Carol']) {
      pages[name] = await openSdkPage(browser, server.url, name);
      const res = await join(pages[name]!, { meetingId: MEETING, name });
      expect(res.ok, JSON.stringify(res)).toBe(true);
      ids[name] = res.participantId!;
    }
    const aliceEvents = await waitFor(async () => {
      const evs = (await events(pages.Alice!)).filter((e) => e.ev === 'participant-joined');
      return evs.length >= 2 ? evs : null;
    });
    expect(aliceEvents!.map((e) => [e.participantId, e.name])).toEqual([
      [ids.Bob, 'Bob'],
      [ids.Carol, 'Carol'],
    ]);
  });

  it('each decodes the other two participants video and receives their audio', async () => {
    for (const viewer of ['Alice', 'Bob', 'Carol']) {
      for (const other of ['Alice', 'Bob', 'Carol']) {
        if (viewer === other) continue;
        const rising = await waitFor(() => framesRising(pages[viewer]!, ids[other]!), 20_000);
        expect(rising, `${viewer} decodes ${other}'s video`).toBe(true);
        const audio = await waitFor(async () => (await audioPackets(pages[viewer]!, ids[other]!)) > 20, 10_000);
        expect(audio, `${viewer} receives ${other}'s audio`).toBe(true);
      }
    }
  });
});

describe('media controls', () => {
  const countOf = async (page: Page, ev: string, participantId: string, kind?: string) =>
    (await events(page)).filter((e) => e.ev === ev && e.participantId === participantId && (kind === undefined || e.kind === kind || (e.data as any)?.kind === kind)).length;

  it('muteMic / unmuteMic fire stream-disabled / stream-enabled and media-status-changed on the others', async () => {
    const before = await countOf(pages.Bob!, 'stream-disabled', ids.Alice!, 'audio');
    expect((await callMeeting(pages.Alice!, 'muteMic')).ok).toBe(true);
    const disabled = await waitFor(async () => (await countOf(pages.Bob!, 'stream-disabled', ids.Alice!, 'audio')) > before);
    expect(disabled).toBe(true);
    expect((await remoteState(pages.Bob!, ids.Alice!))!.micOn).toBe(false);
    const statusOff = (await events(pages.Bob!)).filter((e) => e.ev === 'media-status-changed' && e.participantId === ids.Alice);
    expect(statusOff.at(-1)!.data).toMatchObject({ kind: 'audio', newStatus: false });

    expect((await callMeeting(pages.Alice!, 'unmuteMic')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Bob!, ids.Alice!))!.micOn)).toBe(true);
    const packetsBefore = await audioPackets(pages.Bob!, ids.Alice!);
    expect(await waitFor(async () => (await audioPackets(pages.Bob!, ids.Alice!)) > packetsBefore + 20)).toBe(true);
  });

  it('disableWebcam / enableWebcam change webcamOn on the others and video decodes again', async () => {
    expect((await callMeeting(pages.Alice!, 'disableWebcam')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Carol!, ids.Alice!))!.webcamOn === false)).toBe(true);
    expect((await remoteState(pages.Carol!, ids.Alice!))!.kinds).not.toContain('video');
    expect((await callMeeting(pages.Alice!, 'enableWebcam')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Carol!, ids.Alice!))!.webcamOn)).toBe(true);
    expect(await waitFor(() => framesRising(pages.Carol!, ids.Alice!), 15_000)).toBe(true);
  });

  it('enableScreenShare arrives at the others as a share stream with presenter-changed', async () => {
    expect(await startScreenShare(pages.Bob!)).toBe('ok');
    expect(await waitFor(async () => (await remoteState(pages.Alice!, ids.Bob!))!.screenShareOn)).toBe(true);
    expect(await waitFor(() => framesRising(pages.Alice!, ids.Bob!, 'share'), 15_000)).toBe(true);
    const presenter = (await events(pages.Alice!)).filter((e) => e.ev === 'presenter-changed');
    expect(presenter.at(-1)!.participantId).toBe(ids.Bob);
    expect((await callMeeting(pages.Bob!, 'disableScreenShare')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(pages.Alice!, ids.Bob!))!.screenShareOn === false)).toBe(true);
  });

  it('setQuality low then high changes the decoded frame size while frames keep rising', async () => {
    const setQuality = (q: string) =>
      pages.Bob!.evaluate(([id, quality]) => (window as any).rk.meeting.participants.get(id).setQuality(quality), [ids.Alice!, q] as const);
    await setQuality('low');
    const low = await waitFor(async () => {
      const info = await videoInfo(pages.Bob!, ids.Alice!);
      return info && info.width > 0 && info.width <= 320 ? info : null;
    }, 15_000);
    expect(low, 'low layer reached').toBeTruthy();
    expect(await keepsPlaying(pages.Bob!, ids.Alice!)).toBe(true);
    await setQuality('high');
    const high = await waitFor(async () => {
      const info = await videoInfo(pages.Bob!, ids.Alice!);
      return info && info.width >= 1280 ? info : null;
    }, 20_000);
    expect(high, 'high layer reached').toBeTruthy();
    expect(high!.height).toBe(720);
    expect(await keepsPlaying(pages.Bob!, ids.Alice!)).toBe(true);
  });
});

describe('adaptive subscription', () => {
  it('stream.pause() stops the frames and fires stream-paused; resume() brings them back', async () => {
    const toggle = (action: 'pause' | 'resume') =>
      pages.Bob!.evaluate(
        async ([id, a]) => {
          const p = (window as any).rk.meeting.participants.get(id);
          const events: string[] = [];
          p.on('stream-paused', () => events.push('paused'));
          p.on('stream-resumed', () => events.push('resumed'));
          const stream = [...p.streams.values()].find((s: any) => s.kind === 'video');
          await stream[a]();
          return { events, paused: stream.paused };
        },
        [ids.Alice!, action] as const,
      );
    expect(await toggle('pause')).toEqual({ events: ['paused'], paused: true });
    try {
      // Frames stop. A CPU-starved decoder may still show what it had queued: one fresh-clone CI
      // run saw frames rising 1 s after the pause. A pause that does not work keeps them rising.
      expect(await waitFor(async () => !(await framesRising(pages.Bob!, ids.Alice!)), 5_000)).toBe(true);
    } finally {
      // Resumed even when that failed: later tests watch this stream.
      expect(await toggle('resume')).toEqual({ events: ['resumed'], paused: false });
    }
    expect(await waitFor(() => framesRising(pages.Bob!, ids.Alice!), 15_000)).toBe(true);
  });

  it('setViewPort(320, 180) picks the low layer', async () => {
    await pages.Carol!.evaluate((id) => (window as any).rk.meeting.participants.get(id).setViewPort(320, 180), ids.Alice!);
    const small = await waitFor(async () => {
      const info = await videoInfo(pages.Carol!, ids.Alice!);
      return info && info.width > 0 && info.width <= 320 ? info : null;
    }, 15_000);
    expect(small).toBeTruthy();
  });
});

describe('single-layer publishing and the active speaker', () => {
  it('a camera published with multiStream: false arrives as one layer and keeps playing after setQuality(low)', async () => {
    pages.Eve = await openSdkPage(browser, server.url, 'Eve');
    const res = await join(pages.Eve, { meetingId: MEETING, name: 'Eve', micEnabled: false, webcamEnabled: true, multiStream: false });
    expect(res.ok).toBe(true);
    ids.Eve = res.participantId!;
    // One encoding: Chrome may scale it down when CPU-limited (it does on this 2-core machine), but it
    // is never the 320-wide low layer a simulcast publisher would give.
    const single = await waitFor(async () => {
      const info = await videoInfo(pages.Alice!, ids.Eve!);
      return info && info.width > 320 ? info : null;
    }, 20_000);
    expect(single, 'single layer decoded above the low-layer size').toBeTruthy();
    await pages.Alice!.evaluate((id) => (window as any).rk.meeting.participants.get(id).setQuality('low'), ids.Eve!);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await keepsPlaying(pages.Alice!, ids.Eve!)).toBe(true);
    expect((await videoInfo(pages.Alice!, ids.Eve!))!.width).toBeGreaterThan(320);
    expect((await callMeeting(pages.Eve, 'leave')).ok).toBe(true);
  });

  it('speaker-changed names a participant whose microphone is live', async () => {
    const speakerEvents = await waitFor(async () => {
      const evs = (await events(pages.Bob!)).filter((e) => e.ev === 'speaker-changed' && e.participantId);
      return evs.length > 0 ? evs : null;
    }, 10_000);
    expect(speakerEvents, 'a speaker-changed event').toBeTruthy();
    expect([ids.Alice, ids.Bob, ids.Carol]).toContain(speakerEvents![0]!.participantId);
  });
});

describe('abuse on the signaling channel', () => {
  it('malformed, oversized and flooding messages get errors while the others keep decoding', async () => {
    const attacker = await connectWs(server.url);
    try {
      const tokenRes = await fetch(`${server.url}/dev/token?roomId=${MEETING}`).then((r) => r.json());
      const joined = await attacker.request({ t: 'join', token: tokenRes.token, meetingId: MEETING, name: 'Mallory', mode: 'RECV_ONLY' });
      expect(joined.ok).toBe(true);
      attacker.sendRaw('{"t":"publish",');
      attacker.sendRaw(JSON.stringify({ t: 'publish', rid: 999_999, kind: 'video', sdp: 'v=0 garbage sdp', simulcast: true }));
      attacker.sendRaw('x'.repeat(300_000));
      for (let i = 0; i < 300; i++) attacker.sendRaw(JSON.stringify({ t: 'setQuality', rid: 10 + i, participantId: ids.Alice, quality: i % 2 ? 'low' : 'high' }));
      const codes = new Set(
        (await waitFor(async () => {
          const errs = attacker.messages.filter((m) => m.t === 'error' || (m.t === 'res' && !m.ok));
          return errs.length >= 3 ? errs : null;
        }))!.map((m) => (m.error as { code: number }).code),
      );
      expect(codes).toContain(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(codes).toContain(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
      expect(await waitFor(async () => attacker.messages.some((m) => m.t === 'error' && m.error.code === ErrorCode.RATE_LIMITED))).toBe(true);
      const badPublish = attacker.messages.find((m) => m.t === 'res' && m.rid === 999_999);
      expect(badPublish?.ok).toBe(false);
      const badSdp = await attacker.request({ t: 'subscriberAnswer', sdp: 'v=0\r\nthis is not an answer' });
      expect(badSdp.ok).toBe(false);
      expect(badSdp.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(await keepsPlaying(pages.Bob!, ids.Alice!)).toBe(true);
      expect(await keepsPlaying(pages.Alice!, ids.Bob!)).toBe(true);
    } finally {
      await attacker.close();
    }
  });
});

describe('chat and leaving', () => {
  it('a pubSub message reaches the others with senderId and senderName; a late joiner gets persisted ones', async () => {
    const subscribe = (page: Page) =>
      page.evaluate(async () => {
        const rk = (window as any).rk;
        const old = await rk.meeting.pubSub.subscribe('CHAT', (m: any) => rk.chat.push(m));
        return old.map((m: any) => m.message);
      });
    await subscribe(pages.Bob!);
    await subscribe(pages.Alice!);
    await pages.Alice!.evaluate(() => (window as any).rk.meeting.pubSub.publish('CHAT', 'hello from alice', { persist: true }));
    const received = await waitFor(async () => {
      const chat = await pages.Bob!.evaluate(() => (window as any).rk.chat);
      return chat.length > 0 ? chat : null;
    });
    expect(received![0]).toMatchObject({ message: 'hello from alice', senderId: ids.Alice, senderName: 'Alice', topic: 'CHAT' });

    pages.Dave = await openSdkPage(browser, server.url, 'Dave');
    const res = await join(pages.Dave, { meetingId: MEETING, name: 'Dave', micEnabled: false, webcamEnabled: false });
    expect(res.ok).toBe(true);
    ids.Dave = res.participantId!;
    expect(await subscribe(pages.Dave)).toEqual(['hello from alice']);
  });

  it('leave() fires participant-left with the id at every other participant', async () => {
    expect((await callMeeting(pages.Carol!, 'leave')).ok).toBe(true);
    for (const viewer of ['Alice', 'Bob', 'Dave']) {
      const left = await waitFor(async () => (await events(pages[viewer]!)).find((e) => e.ev === 'participant-left' && e.participantId === ids.Carol));
      expect(left, `${viewer} sees Carol leave`).toBeTruthy();
    }
    const carolEvents = await events(pages.Carol!);
    expect(carolEvents.some((e) => e.ev === 'meeting-left')).toBe(true);
  });
});
