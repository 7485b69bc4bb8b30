// A participant behind a firewall that drops all UDP still joins, publishes and decodes video,
// through Debian's coturn: over TURN/TCP, and over TURN/TLS once TCP 3478 is blocked too. Test hosts
// in network namespaces (helpers/netLab.ts): the server, coturn, a free publisher and the firewalled
// participant; the server hands each participant time-limited credentials minted from coturn's
// static-auth-secret (src/auth/turnCredentials.ts), and coturn, not we, judges them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NetLab, type LabHost, type LabServer } from './helpers/netLab.js';
import { inboundVideo, join, openSdkPage, waitFor } from './helpers/sdkPage.js';

const SECRET = 'turn-test-secret-0123456789abcdef';
const MEETING = 'turn-room';

let lab: NetLab;
let server: LabServer;
let turnHost: LabHost;
let coturn: ChildProcess | null = null;
let coturnLog = '';
let certDir: string;

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
      report.forEach((s: any) => {
        if (!pair && s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) pair = s;
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

beforeAll(async () => {
  lab = NetLab.create();
  const srv = lab.addHost('srv');
  turnHost = lab.addHost('turn');
  certDir = mkdtempSync(joinPath(tmpdir(), 'roomkit-turn-'));
  const cert = joinPath(certDir, 'turn.crt');
  const key = joinPath(certDir, 'turn.key');
  const openssl = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=turn.roomkit.test', '-addext', `subjectAltName=IP:${turnHost.ip}`], { encoding: 'utf8' });
  expect(openssl.status, openssl.stderr).toBe(0);
  coturn = spawn('ip', ['netns', 'exec', turnHost.ns, 'turnserver', '-n', '-v', '--no-cli', '--log-file=stdout', '--simple-log',
    `--listening-ip=${turnHost.ip}`, `--relay-ip=${turnHost.ip}`, '--listening-port=3478', '--tls-listening-port=5349',
    '--min-port=49152', '--max-port=49300', '--fingerprint', '--use-auth-secret', `--static-auth-secret=${SECRET}`,
    '--realm=roomkit.test', `--cert=${cert}`, `--pkey=${key}`, `--allowed-peer-ip=${srv.ip}`, `--pidfile=${joinPath(certDir, 'turn.pid')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  coturn.stdout!.on('data', (d) => (coturnLog += d));
  coturn.stderr!.on('data', (d) => (coturnLog += d));
  await waitFor(async () => /listener opened on : .*:5349/.test(coturnLog) || coturn!.exitCode !== null, 15_000).catch(() => {});
  expect(coturn.exitCode, coturnLog).toBeNull();
  const t = turnHost.ip;
  server = await lab.startServer(srv, {
    env: {
      ROOMKIT_TURN_SERVERS: `turn:${t}:3478?transport=udp,turn:${t}:3478?transport=tcp,turns:${t}:5349?transport=tcp`,
      ROOMKIT_TURN_SECRET: SECRET,
      ROOMKIT_TURN_TTL_SECONDS: '600',
      ROOMKIT_LOG_LEVEL: 'debug',
    },
  });
}, 90_000);

afterAll(async () => {
  coturn?.kill('SIGKILL');
  await lab?.teardown();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
}, 60_000);

describe('a participant whose network drops all UDP', () => {
  let publisher: { page: Page; id: string };

  it('gets time-limited TURN credentials for its peer connections', async () => {
    publisher = await participantOn(lab.addHost('pub'), 'pub');
    const paths = (await waitFor(async () => {
      const p = (await selectedPaths(publisher.page)).filter((x) => x.state === 'connected' && x.localType);
      return p.length > 0 ? p : null;
    }, 20_000))!;
    const servers = paths[0]!.iceServers as Array<{ urls: string[]; username?: string; credential?: string }>;
    const turn = servers.find((s) => s.urls.some((u) => u.startsWith('turn')))!;
    expect(turn.urls).toEqual([`turn:${turnHost.ip}:3478?transport=udp`, `turn:${turnHost.ip}:3478?transport=tcp`, `turns:${turnHost.ip}:5349?transport=tcp`]);
    const [expiry, user] = turn.username!.split(':');
    expect(user).toBe(publisher.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(500);
    expect(Number(expiry) - Date.now() / 1000).toBeLessThanOrEqual(600);
    // The free publisher needs no relay: UDP straight to the server.
    expect(paths.every((p) => p.localType !== 'relay')).toBe(true);
  }, 60_000);

  for (const transport of ['tcp', 'tls'] as const) {
    it(`joins, publishes and decodes video through coturn over ${transport.toUpperCase()}`, async () => {
      const name = `fw-${transport}`;
      const host = lab.addHost(name);
      lab.dropRandom(host.ns, 100); // every UDP datagram arriving at this host is dropped
      if (transport === 'tls') lab.blockTcp(host.ns, 3478); // and TURN over plain TCP too
      const fw = await participantOn(host, name);
      // It decodes the publisher's camera, and the publisher decodes its camera: both directions relayed.
      const decodes = async (page: Page, id: string) => ((await inboundVideo(page, id))?.framesDecoded ?? 0) > 30;
      const why = async () => {
        const candidates = await fw.page.evaluate(() => ((window as any).__pcs as RTCPeerConnection[]).map((pc) => (pc.localDescription?.sdp ?? '').split('\r\n').filter((l) => l.startsWith('a=candidate')).join(' | ')));
        const states = await fw.page.evaluate(() => ((window as any).__pcs as RTCPeerConnection[]).map((pc) => `${pc.connectionState}/${pc.iceConnectionState}`));
        const evs = await fw.page.evaluate(() => JSON.stringify((window as any).rk?.events?.slice?.(-30) ?? null));
        return `states ${JSON.stringify(states)}\nevents ${evs}\nserver: ${server.output().slice(-3000)}`;
      };
      expect(await waitFor(() => decodes(fw.page, publisher.id), 45_000), await why()).toBe(true);
      expect(await waitFor(() => decodes(publisher.page, fw.id), 45_000), await why()).toBe(true);
      const paths = (await selectedPaths(fw.page)).filter((p) => p.state === 'connected');
      expect(paths.length, JSON.stringify(await selectedPaths(fw.page))).toBeGreaterThanOrEqual(2); // its publisher and subscriber connections
      for (const path of paths) {
        expect(path.localType).toBe('relay');
        expect(path.relayProtocol).toBe(transport);
      }
      expect(lab.droppedPackets(host.ns)).toBeGreaterThan(0); // the firewall did drop its UDP attempts
    }, 120_000);
  }
});
