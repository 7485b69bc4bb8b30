// Call quality on a real call through the network lab: the server runs in its own namespace, two
// Node-client participants publish camera and mic from two addresses of the hub, and nftables drops
// 5 % of the UDP one of them sends to the server. The stats routes must show that participant's
// sent video losing about 5 % with a lower video score than the clean one, RTT measured from the
// server's sender reports, and the session stats averaging both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDevToken, initMeeting, type Meeting } from '@roomkit/node-client';
import type { ParticipantStatsResponse, QualityStatsEntry, SessionStatsResponse } from '@roomkit/protocol';
import { NetLab, run, type LabServer } from './helpers/netLab.js';
import { sleep } from './helpers/nodeParticipants.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const ROOM = 'quality-lab';
const LOSS_PERCENT = 5;
/** Samples every 2 s; the call runs long enough for ~10 of them. */
const SAMPLE_SECONDS = 2;
const CALL_MS = 22_000;

let lab: NetLab;
let server: LabServer;
const meetings: Meeting[] = [];
let cleanId = '';
let lossyId = '';
let sessionId = '';

const operator = () => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
async function rest<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: operator() } });
  return { status: res.status, body: (await res.json()) as T };
}

async function join(name: string, bindAddress: string): Promise<Meeting> {
  const meeting = initMeeting({
    meetingId: ROOM, name, signalingBaseUrl: server.url, token: await fetchDevToken(server.url, ROOM),
    mode: 'SEND_AND_RECV', micEnabled: true, webcamEnabled: true, bindAddress,
  });
  meetings.push(meeting);
  await meeting.join();
  return meeting;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Values of `key` over the samples that have one, leaving out the first (it spans the call's start). */
const series = (stats: QualityStatsEntry[], key: 'sendVideoPacketLost' | 'sendAudioPacketLost' | 'averageAudioRtt') =>
  stats.slice(1).map((s) => s[key]).filter((v): v is number => v !== null);
const videoScores = (stats: QualityStatsEntry[]) => stats.slice(1).map((s) => s.qualityScore.video).filter((v): v is number => v !== null);

beforeAll(async () => {
  lab = NetLab.create();
  const srv = lab.addHost('srv');
  server = await lab.startServer(srv, { env: { ROOMKIT_QUALITY_SAMPLE_SECONDS: String(SAMPLE_SECONDS) } });
  // A second address on the hub: the clean participant sends from it, the lossy one from hubIp.
  const cleanIp = `${lab.subnet}.253`;
  run('ip', ['addr', 'add', `${cleanIp}/24`, 'dev', lab.bridge]);
  lab.dropRandom(srv.ns, LOSS_PERCENT, { fromIp: lab.hubIp });
  cleanId = (await join('Clean', cleanIp)).localParticipant.id;
  lossyId = (await join('Lossy', lab.hubIp)).localParticipant.id;
  await sleep(CALL_MS);
  const sessions = await rest<{ data: Array<{ id: string }> }>(`/v2/sessions?roomId=${ROOM}`);
  sessionId = sessions.body.data[0]!.id;
}, 120_000);

afterAll(async () => {
  for (const m of meetings.splice(0)) await m.leave().catch(() => {});
  await server?.stop();
  await lab?.teardown();
}, 60_000);

describe('call quality over a 5 %-loss uplink', () => {
  it("the lossy participant's sent video loses about 5 % and scores lower than the clean participant's", async () => {
    const lossy = await rest<ParticipantStatsResponse>(`/v2/sessions/${sessionId}/participant/${lossyId}/stats`);
    const clean = await rest<ParticipantStatsResponse>(`/v2/sessions/${sessionId}/participant/${cleanId}/stats`);
    expect(lossy.status).toBe(200);
    expect(clean.status).toBe(200);
    expect(lossy.body.participantName).toBe('Lossy');
    expect(lab.droppedPackets(lab.host('srv').ns)).toBeGreaterThan(0);
    const lossyVideo = series(lossy.body.stats, 'sendVideoPacketLost');
    const cleanVideo = series(clean.body.stats, 'sendVideoPacketLost');
    const detail = JSON.stringify({ lossyVideo, cleanVideo, lossyScores: videoScores(lossy.body.stats), cleanScores: videoScores(clean.body.stats) });
    if (process.env.RK_QUALITY_LOG) console.log(detail, JSON.stringify(lossy.body.stats[3]), JSON.stringify(clean.body.stats[3]));
    // ~10 samples of 2 s at a few hundred packets per second: the mean is within a point or two of 5.
    expect(lossyVideo.length, detail).toBeGreaterThanOrEqual(5);
    expect(mean(lossyVideo), detail).toBeGreaterThan(3);
    expect(mean(lossyVideo), detail).toBeLessThan(8);
    expect(mean(cleanVideo), detail).toBeLessThan(1);
    expect(mean(series(lossy.body.stats, 'sendAudioPacketLost')), detail).toBeGreaterThan(2);
    expect(mean(videoScores(lossy.body.stats)), detail).toBeLessThan(mean(videoScores(clean.body.stats)) - 0.5);
  });

  it('RTT is measured (the subscriber answers the server\'s sender reports) and is small on this link', async () => {
    const clean = await rest<ParticipantStatsResponse>(`/v2/sessions/${sessionId}/participant/${cleanId}/stats`);
    const rtts = series(clean.body.stats, 'averageAudioRtt');
    expect(rtts.length, JSON.stringify(clean.body.stats.slice(0, 3))).toBeGreaterThan(0);
    expect(Math.max(...rtts)).toBeLessThan(500);
  });

  it('the session stats average both participants per sample time', async () => {
    const session = await rest<SessionStatsResponse>(`/v2/sessions/${sessionId}/stats`);
    expect(session.status).toBe(200);
    expect(session.body.meetingId).toBe(ROOM);
    const loss = series(session.body.stats, 'sendVideoPacketLost');
    expect(loss.length).toBeGreaterThanOrEqual(5);
    expect(mean(loss)).toBeGreaterThan(1);
    expect(mean(loss)).toBeLessThan(5);
  });

  it('an unknown participant of that session is 404 INVALID_PARTICIPANT_ID', async () => {
    const res = await rest<{ error: { code: number } }>(`/v2/sessions/${sessionId}/participant/nobody/stats`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe(4004);
  });
});
