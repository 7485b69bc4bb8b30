// Drives the real browser SDK in a Chromium page: loads its ES module build (/sdk/videosdk.mjs),
// joins meetings and records every SDK event, so tests assert on what an app would see.
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from './chromium.js';

export interface JoinOptions {
  meetingId: string;
  name: string;
  participantId?: string;
  micEnabled?: boolean;
  webcamEnabled?: boolean;
  multiStream?: boolean;
  mode?: 'SEND_AND_RECV' | 'RECV_ONLY' | 'SIGNALLING_ONLY';
  autoConsume?: boolean;
  /** A token to use instead of one from /dev/token. */
  token?: string;
  /** Return at once; await the outcome later with `joinOutcome(page)` (lobby flows). */
  background?: boolean;
}

export interface RecordedEvent {
  ev: string;
  participantId?: string;
  name?: string;
  kind?: string;
  reason?: unknown;
  data?: unknown;
}

/** Opens a page on the server's origin with `window.rk` set up around the SDK. */
export async function openSdkPage(browser: LaunchedBrowser, serverUrl: string, label: string): Promise<Page> {
  const page = await browser.newPage(`${serverUrl}/health`, label);
  await page.evaluate(async () => {
    // Keep every RTCPeerConnection the SDK makes, so tests can read raw WebRTC stats.
    const Native = window.RTCPeerConnection;
    const pcs: RTCPeerConnection[] = [];
    (window as any).__pcs = pcs;
    (window as any).RTCPeerConnection = function (this: unknown, config?: RTCConfiguration) {
      const pc = new Native(config);
      pcs.push(pc);
      return pc;
    } as unknown as typeof RTCPeerConnection;
    (window as any).RTCPeerConnection.prototype = Native.prototype;
    // Through Function so the test runner's transform leaves this browser-side import alone.
    const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<any>;
    const { VideoSDK } = await importModule('/sdk/videosdk.mjs');
    const events: RecordedEvent[] = [];
    const videos = new Map<string, HTMLVideoElement>();
    const w = window as unknown as Record<string, unknown>;
    const watchParticipant = (p: any) => {
      p.on('stream-enabled', (stream: any) => {
        events.push({ ev: 'stream-enabled', participantId: p.id, kind: stream.kind });
        if (!p.local && (stream.kind === 'video' || stream.kind === 'share')) {
          const video = document.createElement('video');
          video.muted = true;
          video.autoplay = true;
          video.playsInline = true;
          video.srcObject = new MediaStream([stream.track]);
          document.body.appendChild(video);
          videos.set(`${p.id}:${stream.kind}`, video);
          void video.play().catch(() => {});
        }
      });
      p.on('stream-disabled', (stream: any) => {
        events.push({ ev: 'stream-disabled', participantId: p.id, kind: stream.kind });
        const key = `${p.id}:${stream.kind}`;
        videos.get(key)?.remove();
        videos.delete(key);
      });
      p.on('media-status-changed', (data: any) => events.push({ ev: 'media-status-changed', participantId: p.id, data }));
      p.on('video-quality-changed', (data: any) => events.push({ ev: 'video-quality-changed', participantId: p.id, data }));
    };
    // Screen capture needs a user gesture: tests click this button.
    const shareButton = document.createElement('button');
    shareButton.id = 'rk-share';
    shareButton.textContent = 'share';
    shareButton.onclick = () => {
      (w.rk as any).shareResult = (w.rk as any).meeting.enableScreenShare().then(
        () => 'ok',
        (err: any) => `error ${err?.code ?? ''} ${err?.message ?? err}`,
      );
    };
    document.body.appendChild(shareButton);
    w.rk = {
      VideoSDK,
      events,
      meeting: null as any,
      chat: [] as unknown[],
      async join(opts: JoinOptions) {
        let token = opts.token;
        if (token === undefined) {
          const res = await fetch(`/dev/token?roomId=${encodeURIComponent(opts.meetingId)}`);
          token = (await res.json()).token;
        }
        VideoSDK.config(token);
        const meeting = VideoSDK.initMeeting({
          meetingId: opts.meetingId,
          name: opts.name,
          participantId: opts.participantId,
          micEnabled: opts.micEnabled ?? true,
          webcamEnabled: opts.webcamEnabled ?? true,
          multiStream: opts.multiStream ?? true,
          ...(opts.mode ? { mode: opts.mode } : {}),
          ...(opts.autoConsume !== undefined ? { autoConsume: opts.autoConsume } : {}),
        });
        (w.rk as any).meeting = meeting;
        meeting.on('participant-joined', (p: any) => {
          events.push({ ev: 'participant-joined', participantId: p.id, name: p.displayName });
          watchParticipant(p);
        });
        meeting.on('participant-left', (p: any, info: any) => events.push({ ev: 'participant-left', participantId: p.id, name: p.displayName, reason: info?.reason }));
        meeting.on('meeting-joined', () => events.push({ ev: 'meeting-joined' }));
        meeting.on('meeting-left', (info: any) => events.push({ ev: 'meeting-left', reason: info?.reason }));
        meeting.on('speaker-changed', (id: any) => events.push({ ev: 'speaker-changed', participantId: id }));
        meeting.on('presenter-changed', (id: any) => events.push({ ev: 'presenter-changed', participantId: id }));
        meeting.on('error', (e: any) => events.push({ ev: 'error', data: { code: e?.code, message: e?.message } }));
        meeting.on('participant-mode-changed', (e: any) => events.push({ ev: 'participant-mode-changed', participantId: e.participantId, data: e.mode }));
        // Bytes arrive as a Uint8Array: recorded as a plain array so tests can compare them.
        meeting.on('data', (d: any) =>
          events.push({ ev: 'data', participantId: d.from, data: { payload: typeof d.payload === 'string' ? d.payload : [...d.payload], reliability: d.reliability, timestamp: d.timestamp } }),
        );
        meeting.on('entry-requested', (e: any) => events.push({ ev: 'entry-requested', participantId: e.participantId, name: e.name }));
        meeting.on('entry-responded', (participantId: string, decision: string) => events.push({ ev: 'entry-responded', participantId, data: decision }));
        // Answers to a moderator's request follow rk.mediaRequestAnswer ('accept' | 'reject').
        for (const ev of ['mic-requested', 'webcam-requested']) {
          meeting.on(ev, (e: any) => {
            events.push({ ev, participantId: e.participantId });
            if ((w.rk as any).mediaRequestAnswer === 'accept') e.accept();
            else e.reject();
          });
        }
        watchParticipant(meeting.localParticipant);
        try {
          const joining = meeting.join();
          (w.rk as any).joining = joining.then(
            () => ({ ok: true, participantId: meeting.localParticipant.id }),
            (err: any) => ({ ok: false, code: err?.code, message: String(err?.message ?? err) }),
          );
          if (opts.background) return { ok: true, pending: true };
          await joining;
        } catch (err: any) {
          return { ok: false, code: err?.code, message: String(err?.message ?? err) };
        }
        for (const p of meeting.participants.values()) watchParticipant(p);
        return { ok: true, participantId: meeting.localParticipant.id };
      },
      /** Frames decoded and size of a remote participant's video/share, read from the SDK's stats. */
      async videoInfo(participantId: string, kind = 'video') {
        const meeting = (w.rk as any).meeting;
        const p = meeting.participants.get(participantId);
        if (!p) return null;
        const stats = kind === 'share' ? await p.getShareStats() : await p.getVideoStats();
        const s = stats?.[0];
        const el = videos.get(`${participantId}:${kind}`);
        return { framesDecoded: s?.framesDecoded ?? 0, width: el?.videoWidth ?? 0, height: el?.videoHeight ?? 0, statWidth: s?.frameWidth ?? 0 };
      },
      async audioPackets(participantId: string) {
        const p = (w.rk as any).meeting.participants.get(participantId);
        if (!p) return 0;
        const stats = await p.getAudioStats();
        return stats?.[0]?.totalPackets ?? 0;
      },
    };
  });
  return page;
}

/** Raw inbound-rtp stats of a remote participant's video (freezes, retransmissions, loss). */
export async function inboundVideo(page: Page, participantId: string, kind = 'video') {
  return page.evaluate(
    async ([id, k]) => {
      const p = (window as any).rk.meeting.participants.get(id);
      const stream = p && [...p.streams.values()].find((s: any) => s.kind === k);
      if (!stream) return null;
      for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
        if (pc.connectionState === 'closed') continue;
        const receiver = pc.getReceivers().find((r) => r.track === stream.track);
        if (!receiver) continue;
        const report = await receiver.getStats();
        let out = null as Record<string, number> | null;
        report.forEach((s: any) => {
          if (s.type === 'inbound-rtp') {
            out = {
              framesDecoded: s.framesDecoded ?? 0,
              frameWidth: s.frameWidth ?? 0,
              packetsReceived: s.packetsReceived ?? 0,
              packetsLost: s.packetsLost ?? 0,
              nackCount: s.nackCount ?? 0,
              retransmittedPacketsReceived: s.retransmittedPacketsReceived ?? 0,
              totalFreezesDuration: s.totalFreezesDuration ?? 0,
              bytesReceived: s.bytesReceived ?? 0,
              freezeCount: s.freezeCount ?? 0,
              pliCount: s.pliCount ?? 0,
              keyFramesDecoded: s.keyFramesDecoded ?? 0,
              framesDropped: s.framesDropped ?? 0,
              framesReceived: s.framesReceived ?? 0,
              timestamp: s.timestamp,
            };
          }
        });
        return out;
      }
      return null;
    },
    [participantId, kind] as const,
  );
}

/** The outcome of a join started with `background: true`. */
export async function joinOutcome(page: Page): Promise<{ ok: boolean; participantId?: string; code?: number; message?: string }> {
  return page.evaluate(() => (window as any).rk.joining);
}

/** Reads the local participant's SDK state. */
export async function localState(page: Page) {
  return page.evaluate(() => {
    const p = (window as any).rk.meeting.localParticipant;
    return { id: p.id, micOn: p.micOn, webcamOn: p.webcamOn };
  });
}

/** Calls a Meeting method in the page and returns its (serializable) result or error. */
export async function callMeeting(page: Page, method: string, ...args: unknown[]): Promise<{ ok: boolean; value?: unknown; error?: string }> {
  return page.evaluate(
    async ([m, a]) => {
      try {
        const value = await (window as any).rk.meeting[m as string](...(a as unknown[]));
        return { ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) };
      } catch (err: any) {
        return { ok: false, error: `${err?.code ?? ''} ${err?.message ?? err}` };
      }
    },
    [method, args] as const,
  );
}

/** Starts a screen share the way a user does: a click, then getDisplayMedia. */
export async function startScreenShare(page: Page): Promise<string> {
  await page.click('#rk-share');
  return page.evaluate(() => (window as any).rk.shareResult);
}

/** Reads a remote participant's SDK state. */
export async function remoteState(page: Page, participantId: string) {
  return page.evaluate((id) => {
    const p = (window as any).rk.meeting.participants.get(id);
    if (!p) return null;
    return { micOn: p.micOn, webcamOn: p.webcamOn, screenShareOn: p.screenShareOn, kinds: [...p.streams.values()].map((s: any) => s.kind).sort() };
  }, participantId);
}

export async function join(page: Page, opts: JoinOptions): Promise<{ ok: boolean; participantId?: string; code?: number; message?: string }> {
  return page.evaluate((o) => (window as any).rk.join(o), opts);
}

export async function events(page: Page): Promise<RecordedEvent[]> {
  return page.evaluate(() => (window as any).rk.events);
}

export async function videoInfo(page: Page, participantId: string, kind = 'video') {
  return page.evaluate(([id, k]) => (window as any).rk.videoInfo(id, k), [participantId, kind] as const);
}

export async function audioPackets(page: Page, participantId: string): Promise<number> {
  return page.evaluate((id) => (window as any).rk.audioPackets(id), participantId);
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 15_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await check();
  while (!value && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, intervalMs));
    value = await check();
  }
  return value;
}
