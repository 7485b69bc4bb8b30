// A participant whose network drops every UDP datagram from the media server still joins, publishes
// and decodes video, relayed by Debian's coturn (TURN over UDP to the TURN server only: the usual
// corporate allow-list). Test hosts are network namespaces (helpers/netLab.ts): the server, coturn,
// a free publisher and the firewalled participant. The server hands each participant time-limited
// credentials minted from coturn's static-auth-secret (src/auth/turnCredentials.ts); coturn, not we,
// judges them.
//
// Not here: TURN over TCP/TLS (a client that may send no UDP at all). Chromium 156 puts a zero ICE
// tiebreaker in the checks it relays over TCP/TLS TURN, and libjuice (the server's ICE, inside
// node-datachannel 0.33.4) takes a zero as "no role attribute" and answers 400, so Chromium drops the
// pair (libjuice issue #355, fix in PR #356; README "Clients behind firewalls (TURN)").
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NetLab, run, type LabHost, type LabServer } from './helpers/netLab.js';
import { callMeeting, events, inboundVideo, join, openSdkPage, waitFor } from './helpers/sdkPage.js';

const SECRET = 'turn-test-secret-0123456789abcdef';
const MEETING = 'turn-room';

let lab: NetLab;
let server: LabServer;
let srvHost: LabHost;
let turnHost: LabHost;
let coturn: ChildProcess | null = null;
let coturnLog = '';
let tempDir = '';

/** The ICE path of every open peer connection of the page, as the browser reports it. */
async function selectedPaths(page: Page) {
  return page.evaluate(async () => {
    const out: Array<{ state: string; localType?: string; relayProtocol?: string; iceServers: unknown }> = [];
    for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      const byId = new Map<string, any>();
      report.forEach((s: any) => byId.set(s.id, s));
      let pair: any;
      report.forEach((s: any) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId.get(s.selectedCandidatePairId);
      });
      const local = byId.get(pair?.localCandidateId);
      out.push({ state: pc.connectionState, localType: local?.candidateType, relayProtocol: local?.relayProtocol, iceServers: pc.getConfiguration().iceServers });
    }
    return out;
  });
}

async function participantOn(host: LabHost, name: string): Promise<{ page: Page; id: string }> {
  const browser = await lab.launchChromium(host, { secureOrigin: server.url });
  const page = await openSdkPage(browser, server.url, name);
  const res = await join(page, { meetingId: MEETING, name, micEnabled: false, webcamEnabled: true });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return { page, id: res.participantId! };
}

/**
 * What a fresh relay-only peer connection in `page` gets from `server`: its relay candidates, or the
 * TURN error codes (it settles on the first relay candidate or TURN server answer, or when gathering ends).
 */
async function gatherRelay(page: Page, server: RTCIceServer) {
  return page.evaluate(async (ice) => {
    const pc = new RTCPeerConnection({ iceServers: [ice], iceTransportPolicy: 'relay' });
    const relays: string[] = [];
    const errors: number[] = [];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 30_000);
      const settle = () => {
        clearTimeout(timer);
        resolve();
      };
      pc.addEventListener('icecandidateerror', (e) => {
        const code = (e as RTCPeerConnectionIceErrorEvent).errorCode;
        errors.push(code);
        if (code !== 701) settle(); // 701: a local address (lo) that cannot reach the server at all
      });
      pc.addEventListener('icecandidate', (e) => {
        if (e.candidate?.type === 'relay') relays.push(e.candidate.candidate);
        if (e.candidate?.type === 'relay' || !e.candidate) settle();
      });
      pc.createDataChannel('probe');
      void pc.createOffer().then((offer) => pc.setLocalDescription(offer));
    });
    pc.close();
    return { relays, errors };
  }, server);
}

beforeAll(async () => {
  lab = NetLab.create();
  srvHost = lab.addHost('srv');
  turnHost = lab.addHost('turn');
  tempDir = mkdtempSync(joinPath(tmpdir(), 'roomkit-turn-'));
  coturn = spawn('ip', ['netns', 'exec', turnHost.ns, 'turnserver', '-n', '-v', '--no-cli', '--log-file=stdout', '--simple-log',
    `--listening-ip=${turnHost.ip}`, `--relay-ip=${turnHost.ip}`, '--listening-port=3478', '--no-tls', '--no-dtls',
    '--min-port=49152', '--max-port=49300', '--fingerprint', '--use-auth-secret', `--static-auth-secret=${SECRET}`,
    '--realm=roomkit.test', `--allowed-peer-ip=${srvHost.ip}`, `--pidfile=${joinPath(tempDir, 'turn.pid')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  coturn.stdout!.on('data', (d) => (coturnLog += d));
  coturn.stderr!.on('data', (d) => (coturnLog += d));
  const listening = await waitFor(async () => /listener opened on : .*:3478/.test(coturnLog) || coturn!.exitCode !== null, 15_000);
  expect(listening && coturn.exitCode === null, `coturn did not start: ${coturnLog.slice(-2000)}`).toBe(true);
  const t = turnHost.ip;
  server = await lab.startServer(srvHost, {
    env: {
      ROOMKIT_TURN_SERVERS: `turn:${t}:3478?transport=udp,turn:${t}:3478?transport=tcp`,
      ROOMKIT_TURN_SECRET: SECRET,
      ROOMKIT_TURN_TTL_SECONDS: '600',
    },
  });
}, 90_000);

afterAll(async () => {
  if (coturn && coturn.exitCode === null && coturn.signalCode === null) {
    const exited = new Promise((r) => coturn!.once('exit', r));
    coturn.kill('SIGKILL');
    await exited;
  }
  await lab?.teardown();
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
}, 60_000);

describe('a participant whose network drops all UDP from the media server', () => {
  let publisher: { page: Page; id: string };
  let fw: { page: Page; id: string };
  let fwHost: LabHost;

  it('gets time-limited TURN credentials for its peer connections, and the free publisher needs no relay', async () => {
    publisher = await participantOn(lab.addHost('pub'), 'pub');
    const paths = await waitFor(async () => {
      const p = (await selectedPaths(publisher.page)).filter((x) => x.state === 'connected' && x.localType);
      return p.length > 0 ? p : null;
    }, 30_000);
    expect(paths, JSON.stringify(await selectedPaths(publisher.page))).toBeTruthy();
    const servers = paths![0]!.iceServers as Array<{ urls: string[]; username?: string; credential?: string }>;
    const turn = servers.find((s) => s.urls.some((u) => u.startsWith('turn')))!;
    expect(turn.urls).toEqual([`turn:${turnHost.ip}:3478?transport=udp`, `turn:${turnHost.ip}:3478?transport=tcp`]);
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(publisher.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(500);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
    expect(paths!.every((p) => p.localType !== 'relay')).toBe(true);
  }, 60_000);

  it('is refused by coturn with a credential not minted from its secret, and allocates with the minted one', async () => {
    const urls = [`turn:${turnHost.ip}:3478?transport=udp`];
    const minted = (await selectedPaths(publisher.page))[0]!.iceServers as RTCIceServer[];
    const good = minted.find((s) => String(s.urls).startsWith('turn'))!;
    const forged = await gatherRelay(publisher.page, { urls, username: good.username!, credential: 'bm90IHRoZSBzZWNyZXQ=' });
    expect(forged.relays).toEqual([]);
    expect(forged.errors).toContain(401);
    const genuine = await gatherRelay(publisher.page, { urls, username: good.username!, credential: good.credential! });
    expect(genuine.relays.length, JSON.stringify(genuine)).toBeGreaterThan(0);
  }, 60_000);

  it('joins, publishes and decodes video through coturn', async () => {
    const host = (fwHost = lab.addHost('fw'));
    lab.dropRandom(host.ns, 100, { fromIp: srvHost.ip }); // every UDP datagram from the media server is dropped
    fw = await participantOn(host, 'fw');
    const decodes = async (page: Page, id: string) => ((await inboundVideo(page, id))?.framesDecoded ?? 0) > 30;
    const state = async () => JSON.stringify(await selectedPaths(fw.page).catch((e) => String(e)));
    // It decodes the publisher's camera, and the publisher decodes its camera: both directions relayed.
    expect(await waitFor(() => decodes(fw.page, publisher.id), 60_000), `fw decodes nothing from pub: ${await state()}`).toBe(true);
    expect(await waitFor(() => decodes(publisher.page, fw.id), 60_000), `pub decodes nothing from fw: ${await state()}`).toBe(true);
    const paths = (await selectedPaths(fw.page)).filter((p) => p.state === 'connected');
    expect(paths.length, await state()).toBeGreaterThanOrEqual(2); // its publisher and subscriber connections
    for (const path of paths) {
      expect(path.localType).toBe('relay');
      expect(path.relayProtocol).toBe('udp');
    }
    expect(lab.droppedPackets(host.ns)).toBeGreaterThan(0); // the firewall did drop the direct attempts
    expect(coturnLog).toMatch(new RegExp(`user <\\d+:${fw.id}>: incoming packet ALLOCATE processed, success`));
  }, 150_000);

  it('after a resume, its new peer connections relay with a fresh credential', async () => {
    await fw.page.evaluate(() => {
      const rk = (window as any).rk;
      rk.meeting.on('meeting-state-changed', (e: any) => rk.events.push({ ev: 'meeting-state-changed', data: e.state }));
    });
    const states = async () => (await events(fw.page)).filter((e) => e.ev === 'meeting-state-changed').map((e) => e.data);
    const usernames = async () => (await selectedPaths(fw.page)).flatMap((p) => (p.iceServers as RTCIceServer[]).flatMap((s) => (s.username ? [s.username] : [])));
    const before = await usernames();
    expect(before.length).toBeGreaterThan(0);
    // Signaling drops (no FIN, no RST) while the relayed media goes on; the SDK resumes.
    lab.blockTcp(fwHost.ns, 7880, { peerIp: srvHost.ip });
    expect(await waitFor(async () => (await states()).includes('RECONNECTING'), 30_000), 'the SDK notices the dead socket').toBe(true);
    for (const handle of run('nft', ['-a', 'list', 'chain', 'inet', 'lab', 'in'], { ns: fwHost.ns }).matchAll(/tcp [sd]port 7880 drop # handle (\d+)/g)) {
      run('nft', ['delete', 'rule', 'inet', 'lab', 'in', 'handle', handle[1]!], { ns: fwHost.ns }); // the UDP drop stays
    }
    expect(await waitFor(async () => (await states()).at(-1) === 'CONNECTED', 30_000), JSON.stringify(await states())).toBe(true);
    // A camera turned off and on publishes on a new peer connection, made with the resume's credential.
    expect((await callMeeting(fw.page, 'disableWebcam')).ok).toBe(true);
    expect((await callMeeting(fw.page, 'enableWebcam')).ok).toBe(true);
    const fresh = await waitFor(async () => {
      const paths = await selectedPaths(fw.page);
      return paths.find((p) => p.state === 'connected' && (p.iceServers as RTCIceServer[]).some((s) => s.username && !before.includes(s.username))) ?? null;
    }, 60_000);
    expect(fresh, JSON.stringify(await selectedPaths(fw.page))).toBeTruthy();
    expect(fresh!.localType).toBe('relay');
    const expiry = (name: string) => Number(name.split(':')[0]);
    const freshName = (fresh!.iceServers as RTCIceServer[]).find((s) => s.username)!.username!;
    expect(expiry(freshName)).toBeGreaterThan(Math.max(...before.map(expiry)));
    const framesNow = (await inboundVideo(publisher.page, fw.id))?.framesDecoded ?? 0;
    expect(await waitFor(async () => ((await inboundVideo(publisher.page, fw.id))?.framesDecoded ?? 0) > framesNow + 30, 60_000), 'pub decodes the new camera stream').toBe(true);
  }, 150_000);
});
