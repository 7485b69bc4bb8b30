// The operator dashboard in Chromium against a real call: the server runs in its own namespace of
// the network lab; two Node-client participants publish camera and mic, one of them through a link
// that drops 5 % of its UDP (nftables). The operator signs in (a wrong password refused first),
// sees the live room with the lossy participant shown worse, then the finished session's timeline
// and quality charts, the recording with a working download link, and the webhook deliveries with
// their states. Screenshots go to a temp dir (RK_DASHBOARD_SHOTS=<dir> keeps them elsewhere).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { fetchDevToken, initMeeting, type Meeting } from '@roomkit/node-client';
import { NetLab, run, type LabServer } from './helpers/netLab.js';
import { sleep } from './helpers/nodeParticipants.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const ROOM = 'dashboard-lab';
const PASSWORD = 'operator-password-for-tests';
const CALL_MS = 16_000;

let lab: NetLab;
let server: LabServer;
let browser: LaunchedBrowser | null = null;
let page: Page;
let receiver: Server | null = null;
let receiverUrl = '';
const meetings: Meeting[] = [];
let sessionId = '';
let recordingId = '';
const shots = process.env.RK_DASHBOARD_SHOTS ?? mkdtempSync(join(tmpdir(), 'roomkit-dash-shots-'));

const operator = () => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
async function rest<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${path}`, {
    method, headers: { authorization: operator(), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function joinCall(name: string, bindAddress: string): Promise<Meeting> {
  const meeting = initMeeting({
    meetingId: ROOM, name, signalingBaseUrl: server.url, token: await fetchDevToken(server.url, ROOM),
    mode: 'SEND_AND_RECV', micEnabled: true, webcamEnabled: true, bindAddress,
  });
  meetings.push(meeting);
  if (process.env.RK_DASH_DEBUG) {
    meeting.on('error', (e: unknown) => console.log(new Date().toISOString(), name, 'error', JSON.stringify(e)));
    meeting.on('meeting-state-changed', (e: unknown) => console.log(new Date().toISOString(), name, 'state', JSON.stringify(e)));
  }
  await meeting.join();
  return meeting;
}

async function shot(name: string) {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

beforeAll(async () => {
  lab = NetLab.create();
  const srv = lab.addHost('srv');
  // A webhook receiver on the hub (the global webhookUrl): 200 to everything but recording-starting,
  // which it answers 503, so that delivery retries and the ones queued behind it wait (pending).
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.statusCode = body.includes('"webhookType":"recording-starting"') ? 503 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, lab.hubIp, r));
  receiverUrl = `http://${lab.hubIp}:${(receiver.address() as { port: number }).port}/hooks`;
  server = await lab.startServer(srv, { env: { ROOMKIT_QUALITY_SAMPLE_SECONDS: '2', ROOMKIT_DASHBOARD_PASSWORD: PASSWORD, ROOMKIT_WEBHOOK_URL: receiverUrl } });
  const cleanIp = `${lab.subnet}.253`;
  run('ip', ['addr', 'add', `${cleanIp}/24`, 'dev', lab.bridge]);
  lab.dropRandom(srv.ns, 5, { fromIp: lab.hubIp });
  await joinCall('Clean', cleanIp);
  await joinCall('Lossy', lab.hubIp);
  if (process.env.RK_DASH_DEBUG) setInterval(() => writeFileSync(join(shots, 'server.log'), server.output()), 1000).unref();
  await sleep(CALL_MS);
  browser = await launchChromium();
  page = await browser.newPage(`${server.url}/dashboard/`, 'dashboard');
  await page.setViewportSize({ width: 1280, height: 800 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const m of meetings.splice(0)) await m.leave().catch(() => {});
  await server?.stop();
  await lab?.teardown();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  if (!process.env.RK_DASHBOARD_SHOTS) rmSync(shots, { recursive: true, force: true });
}, 60_000);

describe('operator dashboard over a call with one participant on a 5 %-loss link', () => {
  it('signs in: dev mode said on the page, a wrong password refused, the right one accepted', async () => {
    await page.locator('#login-form').waitFor();
    // What the page costs to load (reported, never asserted): bytes over the wire and first paint.
    const load = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      return { bytes: nav.transferSize + resources.reduce((n, r) => n + r.transferSize, 0), files: resources.length + 1, firstContentfulPaintMs: Math.round(paint?.startTime ?? -1), domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd) };
    });
    console.log(`dashboard load: ${JSON.stringify(load)}`);
    expect(await page.locator('#dev-banner').isVisible()).toBe(true);
    expect(await page.locator('#dev-banner').textContent()).toMatch(/Dev mode/);
    await page.click('#password-tab');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('#login-error').textContent(), { timeout: 10_000 }).toMatch(/wrong password/);
    expect(await page.locator('#app').isVisible()).toBe(false);
    await shot('login-refused');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.locator('[data-room]').first().waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => sessionStorage.getItem('roomkit.dashboard.token'))).toMatch(/token/);
  });

  it('Live shows the room with both participants, the lossy one with more sent loss and a lower video score', async () => {
    const figure = async (name: string, column: number) =>
      Number(await page.locator(`[data-room="${ROOM}"] tr[data-participant="${name}"] td`).nth(column).getAttribute('data-value'));
    // Columns: 3 audio, 4 video, 5 loss sent. One 2-s sample is noisy: poll a few refreshes.
    await expect.poll(async () => (await figure('Lossy', 5)) - (await figure('Clean', 5)), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(2);
    await expect.poll(async () => (await figure('Clean', 4)) - (await figure('Lossy', 4)), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(0.3);
    expect(await page.locator(`[data-room="${ROOM}"] tr[data-participant="Lossy"] td`).nth(5).getAttribute('class')).toMatch(/q-(fair|poor)/);
    expect(await page.locator(`[data-room="${ROOM}"] tr[data-participant="Clean"] td`).nth(5).getAttribute('class')).toMatch(/q-good/);
    await shot('live');
    const started = await rest('POST', '/v2/recordings/start', { roomId: ROOM, config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    recordingId = started.body.id;
    sessionId = (await rest('GET', `/v2/sessions?roomId=${ROOM}`)).body.data[0].id;
    await sleep(6_000);
  }, 90_000);

  it("Sessions shows the finished session's timeline and quality charts per participant", async () => {
    const ended = await rest('POST', '/v2/recordings/end', { roomId: ROOM });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    for (const m of meetings.splice(0)) await m.leave();
    await expect.poll(async () => (await rest('GET', `/v2/sessions/${sessionId}`)).body.status, { timeout: 20_000 }).toBe('ended');
    await page.click('nav a[data-page=sessions]');
    // The room filter: an unknown room says so; this room lists its session.
    await page.fill('input[name=room]', 'no-such-room');
    await page.click('form.filter button');
    await expect.poll(() => page.locator('.view .error').textContent(), { timeout: 10_000 }).toMatch(/no room "no-such-room"/);
    await page.fill('input[name=room]', ROOM);
    await page.click('form.filter button');
    await page.locator(`tr[data-session="${sessionId}"] a`).waitFor({ timeout: 10_000 });
    await shot('sessions');
    await page.locator(`tr[data-session="${sessionId}"] a`).click();
    await page.locator('svg.timeline').waitFor({ timeout: 15_000 });
    for (const name of ['Clean', 'Lossy']) {
      expect(await page.locator(`svg.timeline g[data-participant="${name}"] rect`).count()).toBe(1);
      // A line with several points in the video score and loss charts.
      expect(await page.locator(`figure.chart-box g[data-series="${name}"] circle`).first().count()).toBe(1);
    }
    const points = await page.locator('figure.chart-box').nth(2).locator('g[data-series="Lossy"] circle').count();
    expect(points).toBeGreaterThanOrEqual(4);
    await shot('session');
  });

  it('Egress lists the recording with a download link that works (the token in the link)', async () => {
    await page.click('nav a[data-page=egress]');
    const link = page.locator(`tr[data-recording="${recordingId}"] a.file-link`);
    await link.waitFor({ timeout: 15_000 });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/\?token=/);
    const download = await page.evaluate(async (url) => {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type'), bytes: (await res.arrayBuffer()).byteLength };
    }, href);
    expect(download.status).toBe(200);
    expect(download.type).toBe('video/mp4');
    expect(download.bytes).toBeGreaterThan(10_000);
    // Without the token the same file is refused.
    expect(await page.evaluate(async (url) => (await fetch(url.split('?')[0]!)).status, href)).toBe(401);
    await shot('egress');
  });

  it('Webhooks lists deliveries: delivered, the refused one retrying with its error and next retry, the ones queued behind it pending', async () => {
    await page.click('nav a[data-page=webhooks]');
    await page.locator('tr[data-delivery]').first().waitFor({ timeout: 15_000 });
    await expect.poll(async () => page.locator('tr[data-state=delivered]').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const retrying = page.locator('tr[data-state=retrying]');
    const listed = JSON.stringify((await rest('GET', '/v2/operator/webhook-deliveries')).body.data.map((d: any) => [d.event, d.url, d.state, d.lastError]));
    expect(await retrying.count(), listed).toBeGreaterThanOrEqual(1);
    expect(await retrying.first().textContent()).toMatch(/HTTP 503/);
    expect(await page.locator('tr[data-state=pending]').count()).toBeGreaterThan(0);
    await page.selectOption('select[aria-label=state]', 'retrying');
    await expect.poll(async () => page.locator('tr[data-delivery]').count(), { timeout: 10_000 }).toBe(await page.locator('tr[data-state=retrying]').count());
    await page.selectOption('select[aria-label=state]', '');
    await page.locator('tr[data-state=delivered]').first().waitFor();
    await shot('webhooks');
  });

  it('signing out forgets the token and shows the login again; a forged token gets the login back', async () => {
    await page.click('#logout');
    expect(await page.locator('#login').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('roomkit.dashboard.token'))).toBeNull();
    // A forged token in the tab's storage gets the server's 401 and the login, nothing else.
    await page.evaluate(() => sessionStorage.setItem('roomkit.dashboard.token', JSON.stringify({ token: 'forged', expiresAt: new Date(Date.now() + 3_600_000).toISOString() })));
    await page.goto(`${server.url}/dashboard/#/live`);
    await expect.poll(() => page.locator('#login-error').textContent(), { timeout: 10_000 }).toMatch(/expired or was refused/);
    expect(await page.locator('#app').isVisible()).toBe(false);
    // The screenshots are real PNGs of some size.
    for (const name of ['live', 'session', 'egress', 'webhooks']) expect(statSync(join(shots, `${name}.png`)).size).toBeGreaterThan(5_000);
  });
});
