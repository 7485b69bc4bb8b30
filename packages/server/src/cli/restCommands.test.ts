// `roomkit rooms …` / `roomkit sessions …`: help, argument errors, and calls to a real server.
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/testServer.js';
import { connectWs } from '../../test/helpers/wsClient.js';
import { generateToken } from '../auth/AccessToken.js';
import { runCli } from '../cli.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}


async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: repoRoot });
  return { code, stdout, stderr };
}

describe('roomkit rooms/sessions --help', () => {
  it('roomkit --help lists rooms and sessions', async () => {
    const r = await run(['--help']);
    expect(r.stdout).toMatch(/rooms\s+Create, list/);
    expect(r.stdout).toMatch(/sessions\s+List, get or end/);
  });

  it('rooms and sessions with --help list their subcommands; with nothing, print usage to stderr and exit 2', async () => {
    const rooms = await run(['rooms', '--help']);
    expect(rooms).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: roomkit rooms <subcommand>[\s\S]*deactivate <roomId>/) });
    const sessions = await run(['sessions', '--help']);
    expect(sessions.stdout).toMatch(/end \(--room <roomId> \| --session <sessionId>\)/);
    expect(await run(['rooms'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage: roomkit rooms') });
  });

  it('each subcommand --help prints its flags and the shared --url/--json flags', async () => {
    for (const [argv, flag] of [
      [['rooms', 'create', '--help'], '--webhook-events'],
      [['rooms', 'list', '--help'], '--per-page'],
      [['rooms', 'get', '--help'], '<roomId>'],
      [['rooms', 'validate', '--help'], '<roomId>'],
      [['rooms', 'deactivate', '--help'], 'MEETING_ID_DISABLED'],
      [['sessions', 'list', '--help'], '--room'],
      [['sessions', 'get', '--help'], '<sessionId>'],
      [['sessions', 'end', '--help'], '--session'],
    ] as const) {
      const r = await run([...argv]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(flag);
      expect(r.stdout).toContain('--url <url>');
      expect(r.stdout).toContain('--json');
    }
  });
});

describe('roomkit rooms/sessions argument errors', () => {
  it('explains and exits 2 without calling the server', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['rooms', 'craete'], /unknown subcommand "rooms craete"; one of: create, list/],
      [['rooms', 'get'], /missing <roomId>: usage: roomkit rooms get <roomId>/],
      [['rooms', 'get', 'a', 'b'], /unexpected argument "b"/],
      [['rooms', 'create', '--custom-id', 'x'], /unknown flag --custom-id; run "roomkit rooms create --help"/],
      [['rooms', 'create', '--webhook-events', 'session-*'], /--webhook-events needs --webhook-url/],
      [['rooms', 'list', '--page', '0'], /--page: "0" is not a positive whole number/],
      [['rooms', 'list', '--url', 'localhost:7880'], /--url: "localhost:7880" is not an http/],
      [['rooms', 'list', '--json=yes'], /--json takes no value/],
      [['sessions', 'end'], /exactly one of --room <roomId> or --session <sessionId>/],
      [['sessions', 'end', '--room', 'r', '--session', 's'], /exactly one of/],
      [['sessions', 'list', '--room'], /--room needs a value/],
      [['rooms', 'list', '--api-key', 'k'], /config error: apiKey is set .* but apiSecret is not/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });

  it('with no server at --url, says it cannot reach that URL and exits 1', async () => {
    const port = await closedPort();
    const r = await run(['rooms', 'list', '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the Roomkit server at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });
});

describe('roomkit rooms/sessions against a server', () => {
  let ts: TestServer;
  beforeAll(async () => {
    ts = await startTestServer();
  });
  afterAll(async () => {
    await ts?.stop();
  });

  it('rooms create prints the room; rooms get --json prints the server JSON', async () => {
    const created = await run(['rooms', 'create', '--custom-room-id', 'cli-room', '--webhook-url', 'http://127.0.0.1:9/h', '--url', ts.url]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const roomId = /^roomId:\s+(\S+)$/m.exec(created.stdout)?.[1];
    expect(roomId).toBeDefined();
    expect(created.stdout).toMatch(/^customRoomId:\s+cli-room$/m);
    expect(created.stdout).toMatch(/^webhook:\s+http:\/\/127\.0\.0\.1:9\/h \(\*\)$/m);

    const got = await run(['rooms', 'get', roomId!, '--json', '--url', ts.url]);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ roomId, customRoomId: 'cli-room', disabled: false });
  });

  it('rooms list prints a table; deactivate shows in get and validate; validate of an unknown room exits 1', async () => {
    const created = await run(['rooms', 'create', '--json', '--url', ts.url]);
    const { roomId } = JSON.parse(created.stdout) as { roomId: string };
    const list = await run(['rooms', 'list', '--per-page', '100', '--url', ts.url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ROOM ID\s+CUSTOM ID\s+STATUS\s+CREATED$/m);
    expect(list.stdout).toContain(roomId);
    expect(list.stdout).toMatch(/^page 1 of 1, \d+ rooms?$/m);

    const off = await run(['rooms', 'deactivate', roomId, '--url', ts.url]);
    expect(off.stdout).toMatch(/^status:\s+deactivated$/m);
    const validate = await run(['rooms', 'validate', roomId, '--url', ts.url]);
    expect(validate).toMatchObject({ code: 0, stdout: expect.stringMatching(/^status:\s+deactivated$/m) });
    const unknown = await run(['rooms', 'validate', 'never-created', '--url', ts.url]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^roomkit: GET \/v2\/rooms\/validate\/never-created failed: HTTP 404 4003: /);
  });

  it('rooms get of an unknown room prints the API error and exits 1; a wrong secret says INVALID_TOKEN', async () => {
    const missing = await run(['rooms', 'get', 'nope-nope', '--url', ts.url]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/HTTP 404 4003: .*nope-nope/);
    const wrong = await run(['rooms', 'list', '--url', ts.url, '--api-key', 'devkey', '--api-secret', 'wrong'.repeat(8)]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/HTTP 401 4002: /);
  });

  it('sessions list/get print a live session with its participant; sessions end --room ends it, then exits 1', async () => {
    const { roomId } = JSON.parse((await run(['rooms', 'create', '--json', '--url', ts.url])).stdout) as { roomId: string };
    const ws = await connectWs(ts.url);
    try {
      const token = generateToken({ apiKey: ts.config.apiKey, apiSecret: ts.config.apiSecret, permissions: ['allow_join'] });
      const joined = await ws.request({ t: 'join', token, meetingId: roomId, participantId: 'ann', name: 'Ann', mode: 'SIGNALLING_ONLY' });
      expect(joined.ok, JSON.stringify(joined)).toBe(true);

      const list = await run(['sessions', 'list', '--room', roomId, '--url', ts.url]);
      const sessionId = new RegExp(`^(\\S+)\\s+${roomId}\\s+ongoing\\s+\\S+\\s+-\\s+1$`, 'm').exec(list.stdout)?.[1];
      expect(sessionId, list.stdout).toBeDefined();

      const got = await run(['sessions', 'get', sessionId!, '--url', ts.url]);
      expect(got.stdout).toMatch(/^status:\s+ongoing$/m);
      expect(got.stdout).toMatch(/^PARTICIPANT\s+NAME\s+JOINED\s+LEFT$/m);
      expect(got.stdout).toMatch(/^ann\s+Ann\s+\S+\s+present$/m);

      const ended = await run(['sessions', 'end', '--room', roomId, '--url', ts.url]);
      expect(ended).toMatchObject({ code: 0, stderr: '' });
      expect(ended.stdout).toMatch(/^status:\s+ended$/m);
      expect(ended.stdout).not.toMatch(/present$/m);
      const again = await run(['sessions', 'end', '--session', sessionId!, '--json', '--url', ts.url]);
      expect(JSON.parse(again.stdout)).toMatchObject({ id: sessionId, status: 'ended' });
      const noLive = await run(['sessions', 'end', '--room', roomId, '--url', ts.url]);
      expect(noLive.code).toBe(1);
      expect(noLive.stderr).toMatch(/POST \/v2\/sessions\/end failed: HTTP 404 \d+: .*no ongoing session/);
    } finally {
      await ws.close();
    }
  });

  it('sessions list of a fresh room prints an empty table; sessions get of an unknown id exits 1', async () => {
    const { roomId } = JSON.parse((await run(['rooms', 'create', '--json', '--url', ts.url])).stdout) as { roomId: string };
    const list = await run(['sessions', 'list', '--room', roomId, '--url', ts.url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^SESSION ID\s+ROOM ID\s+STATUS/m);
    expect(list.stdout).toMatch(/page 1 of 1, 0 sessions/);
    const json = await run(['sessions', 'list', '--room', roomId, '--json', '--url', ts.url]);
    expect(JSON.parse(json.stdout)).toMatchObject({ data: [] });
    expect((await run(['sessions', 'get', 'no-such-session', '--url', ts.url])).code).toBe(1);
  });
});
