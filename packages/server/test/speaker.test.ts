// Active speaker with real Chromium clients: two talkers, each browser capturing its own fake
// microphone file (fixtures/talkers.ts: A speaks [0,4) and [8,12), B [4,8) and [12,16), looped,
// with 0.2 s loud coughs from the silent side), and a third, silent participant who records the
// SDK's speaker-changed events and, as ground truth, the level of each talker's audio it receives.
// Asserts on the order and count of changes against the turns actually heard (one change per turn,
// none for a cough), with a generous lag bound: this runs on a loaded 2-core machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join, openSdkPage, waitFor } from './helpers/sdkPage.js';
import { COUGHS, COUGH_SECONDS, LOOP_SECONDS, TURN_SECONDS, writeTalkerFiles } from './fixtures/talkers.js';

const MEETING = 'speaker-room';
/** How long the talkers talk while we watch: two loops of the files and most of a ninth turn. */
const OBSERVE_MS = 2 * LOOP_SECONDS * 1000 + 3500;
/** A change must come within this long after its talker starts (the detector needs ~1.2-1.6 s). */
const MAX_LAG_MS = 2500;
/** Ground truth: a talker is talking while its received level is above this... */
const TALKING_DBFS = -45;
/** ...in runs at least this long (a cough is 0.2 s), bridging dips shorter than the merge gap. */
const MIN_TURN_MS = 1500;
const MERGE_GAP_MS = 400;
/** C hears audio later than the server does: a change may precede the heard turn by this much. */
const EARLY_MS = 300;

let server: TestServer;
let fixtureDir: string;
const browsers: LaunchedBrowser[] = [];
const pages: Record<'A' | 'B' | 'C', Page> = {} as never;
const ids: Record<'A' | 'B' | 'C', string> = {} as never;

interface Observation {
  /** Wall-clock ms (Date.now(), shared by all browsers on this machine). */
  changes: { t: number; id: string | null }[];
  /** Every ~50 ms: the level (dBFS) of each talker's received audio, by participant id. */
  samples: { t: number; levels: Record<string, number> }[];
}

beforeAll(async () => {
  fixtureDir = await mkdtemp(joinPath(tmpdir(), 'roomkit-speaker-'));
  const files = await writeTalkerFiles(fixtureDir);
  server = await startTestServer();
  for (const [label, file] of [['A', files.A], ['B', files.B], ['C', null]] as const) {
    // One browser per participant: the fake capture file is a browser-wide flag.
    const browser = await launchChromium({ extraArgs: file ? [`--use-file-for-fake-audio-capture=${file}`] : [] });
    browsers.push(browser);
    pages[label] = await openSdkPage(browser, server.url, label);
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(browsers.map((b) => b.close()));
  await server?.stop();
  if (fixtureDir) await rm(fixtureDir, { recursive: true, force: true });
});

/** In the silent participant's page: timestamped speaker-changed events and received levels. */
async function startObserving(page: Page, talkerIds: string[]): Promise<void> {
  await page.evaluate((talkers) => {
    const w = window as any;
    const meeting = w.rk.meeting;
    const obs = { changes: [] as unknown[], samples: [] as unknown[] };
    w.speakerObs = obs;
    meeting.on('speaker-changed', (id: string | null) => obs.changes.push({ t: Date.now(), id }));
    const ctx = new AudioContext();
    void ctx.resume();
    const sink = ctx.createGain();
    sink.gain.value = 0;
    sink.connect(ctx.destination);
    const analysers = new Map<string, AnalyserNode>();
    const attach = (id: string, track: MediaStreamTrack) => {
      // Chromium only renders a remote WebRTC track into Web Audio while a media element plays it.
      const el = new Audio();
      el.muted = true;
      el.srcObject = new MediaStream([track]);
      void el.play().catch(() => {});
      document.body.appendChild(el);
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
      analyser.connect(sink);
      analysers.set(id, analyser);
    };
    for (const id of talkers) {
      const p = meeting.participants.get(id);
      p.on('stream-enabled', (stream: any) => {
        if (stream.kind === 'audio') attach(id, stream.track);
      });
      for (const stream of p.streams.values()) if (stream.kind === 'audio') attach(id, stream.track);
    }
    const buf = new Float32Array(2048);
    w.speakerObsTimer = setInterval(() => {
      const levels: Record<string, number> = {};
      for (const [id, analyser] of analysers) {
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (let i = 0; i < buf.length; i++) sum += buf[i]! * buf[i]!;
        levels[id] = Math.max(-127, 10 * Math.log10(sum / buf.length + 1e-13));
      }
      obs.samples.push({ t: Date.now(), levels });
    }, 50);
  }, talkerIds);
}

async function stopObserving(page: Page): Promise<Observation> {
  return page.evaluate(() => {
    const w = window as any;
    clearInterval(w.speakerObsTimer);
    return w.speakerObs;
  });
}

interface Run {
  who: string;
  start: number;
  end: number;
  /** Loudest sample of the run (dBFS). */
  peak: number;
}

/**
 * What was heard: each talker's runs above TALKING_DBFS. Turns are the runs lasting at least
 * MIN_TURN_MS (or still going when the observation ended); the short ones are coughs.
 */
function heardRuns(obs: Observation, talkerIds: string[]): { turns: Run[]; coughs: Run[] } {
  const turns: Run[] = [];
  const coughs: Run[] = [];
  const lastT = obs.samples.at(-1)?.t ?? 0;
  for (const id of talkerIds) {
    const runs: Run[] = [];
    for (const s of obs.samples) {
      const level = s.levels[id] ?? -127;
      if (level <= TALKING_DBFS) continue;
      const last = runs.at(-1);
      if (last && s.t - last.end <= MERGE_GAP_MS) {
        last.end = s.t;
        last.peak = Math.max(last.peak, level);
      } else runs.push({ who: id, start: s.t, end: s.t, peak: level });
    }
    for (const r of runs) (r.end - r.start >= MIN_TURN_MS || lastT - r.end <= MERGE_GAP_MS ? turns : coughs).push(r);
  }
  const byStart = (a: Run, b: Run) => a.start - b.start;
  return { turns: turns.sort(byStart), coughs: coughs.sort(byStart) };
}

describe('active speaker with alternating talkers', () => {
  it('A, B and a silent C join one meeting', async () => {
    for (const label of ['C', 'A', 'B'] as const) {
      // Mics start later, together, so both files start at about the same moment.
      const res = await join(pages[label], { meetingId: MEETING, name: label, micEnabled: false, webcamEnabled: false });
      expect(res.ok, JSON.stringify(res)).toBe(true);
      ids[label] = res.participantId!;
    }
    const joined = await waitFor(async () => {
      const evs = (await events(pages.C)).filter((e) => e.ev === 'participant-joined');
      return evs.length >= 2 ? evs : null;
    });
    expect(joined!.map((e) => e.participantId)).toEqual([ids.A, ids.B]);
  });

  it('speaker-changed follows the talkers, once per turn, not on coughs, within a bounded lag', async () => {
    await startObserving(pages.C, [ids.A, ids.B]);
    const micStarted = await Promise.all(
      (['A', 'B'] as const).map(async (label) => {
        const res = await callMeeting(pages[label], 'unmuteMic');
        expect(res.ok, `${label} unmuteMic: ${res.error}`).toBe(true);
        return Date.now();
      }),
    );
    await new Promise((r) => setTimeout(r, OBSERVE_MS));
    const obs = await stopObserving(pages.C);
    const name = (id: string | null) => (id === ids.A ? 'A' : id === ids.B ? 'B' : String(id));

    const { turns: heard, coughs } = heardRuns(obs, [ids.A, ids.B]);
    const observedUntil = obs.samples.at(-1)!.t;
    // Turns whose change must have arrived by the end of the observation.
    const judged = heard.filter((t) => t.start + MAX_LAG_MS <= observedUntil);
    const changes = obs.changes.filter((c) => c.t <= observedUntil);
    const timeline = [
      ...heard.map((t) => ({ t: t.start, what: `turn ${name(t.who)} (${((t.end - t.start) / 1000).toFixed(1)} s)` })),
      ...coughs.map((c) => ({ t: c.start, what: `cough ${name(c.who)} (${c.end - c.start + 50} ms, peak ${c.peak.toFixed(0)} dBFS)` })),
      ...changes.map((c) => ({ t: c.t, what: `speaker-changed ${name(c.id)}` })),
    ]
      .sort((a, b) => a.t - b.t)
      .map((e) => `${((e.t - micStarted[0]!) / 1000).toFixed(2).padStart(6)} s  ${e.what}`)
      .join('\n');
    const report = `mics started ${micStarted[1]! - micStarted[0]!} ms apart; timeline from A's mic start:\n${timeline}`;
    console.log(report);

    // The ground truth itself: the files' turns, alternating, each about TURN_SECONDS long.
    const expectedTurns = Math.floor(OBSERVE_MS / 1000 / TURN_SECONDS);
    expect(judged.length, `turns heard\n${report}`).toBeGreaterThanOrEqual(expectedTurns - 1);
    for (let i = 0; i < heard.length; i++) {
      if (i > 0) expect(heard[i]!.who, `turns alternate\n${report}`).not.toBe(heard[i - 1]!.who);
      if (i > 0 && i < heard.length - 1) expect(heard[i]!.end - heard[i]!.start, `turn length\n${report}`).toBeGreaterThan((TURN_SECONDS - 1) * 1000);
    }

    // Order and count: every change names a talker (no null) and the changes are exactly the
    // turns' talkers in order: one per turn, none for a cough. (With two talkers any run of changes
    // alternates, so the count and the per-turn check below are what catch flapping.)
    expect(changes.every((c) => c.id === ids.A || c.id === ids.B), `changes name talkers\n${report}`).toBe(true);
    expect(changes.map((c) => name(c.id)).slice(0, judged.length), `speaker order\n${report}`).toEqual(judged.map((t) => name(t.who)));
    expect(changes.length, `one change per turn\n${report}`).toBeGreaterThanOrEqual(judged.length);
    expect(changes.length, `one change per turn\n${report}`).toBeLessThanOrEqual(heard.length);

    // Each turn gets its change while it lasts, within a bounded lag. C hears a turn start a little
    // after the server does (its jitter buffer), so a turn owns the changes from EARLY_MS before it.
    const ownerOf = (t: number) => {
      let owner = -1;
      heard.forEach((turn, i) => {
        if (turn.start - EARLY_MS <= t) owner = i;
      });
      return owner;
    };
    expect(changes.filter((c) => ownerOf(c.t) < 0), `changes before anyone talked\n${report}`).toEqual([]);
    const lags: number[] = [];
    judged.forEach((turn, i) => {
      const own = changes.filter((c) => ownerOf(c.t) === heard.indexOf(turn));
      expect(own.map((c) => name(c.id)), `turn ${i} (${name(turn.who)}): its changes\n${report}`).toEqual([name(turn.who)]);
      lags.push(own[0]!.t - turn.start);
    });
    console.log(`speaker-changed lags (ms): ${lags.join(', ')}; max ${Math.max(...lags)}`);
    for (const lag of lags) expect(lag, `lag\n${report}`).toBeLessThanOrEqual(MAX_LAG_MS);

    // The coughs reached C loud (so the test did exercise them), inside the other's turns, and
    // changed nothing (checked above: one change per turn, each in its own turn).
    const loudCoughs = coughs.filter((c) => c.peak > -30 && heard.some((t) => t.who !== c.who && t.start < c.start && c.end < t.end));
    expect(loudCoughs.length, `coughs (${COUGH_SECONDS} s bursts, ${COUGHS.length} a loop) heard\n${report}`).toBeGreaterThanOrEqual(COUGHS.length);
  }, OBSERVE_MS + 60_000);
});
