// `roomkit recordings|livestreams|hls …`: help, argument errors, and a recording started, listed,
// stopped, fetched and deleted from the command line against a real server with a live session.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/helpers/testServer.js';
import { connectWs, type WsTestClient } from '../../test/helpers/wsClient.js';
import { runCli } from '../cli.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: repoRoot });
  return { code, stdout, stderr };
}

describe('roomkit recordings/livestreams/hls help and argument errors', () => {
  it('roomkit --help lists the three commands; each lists its subcommands, each subcommand its flags', async () => {
    const help = await run(['--help']);
    expect(help.stdout).toMatch(/recordings\s+Start, stop, list/);
    expect(help.stdout).toMatch(/livestreams\s+Start, stop or list RTMP/);
    expect(help.stdout).toMatch(/hls\s+Start, stop or list HLS/);
    for (const [argv, text] of [
      [['recordings', '--help'], 'delete <recordingId>'],
      [['livestreams', '--help'], 'start --room <roomId> --rtmp-url <url>'],
      [['hls', '--help'], 'start --room <roomId> [--record]'],
      [['recordings', 'list', '--help'], '--session <sessionId>'],
      [['hls', 'start', '--help'], '--record'],
    ] as const) {
      const r = await run([...argv]);
      expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining(text) });
    }
    expect(await run(['hls'])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage: roomkit hls <subcommand>') });
  });

  it('explains mistakes and exits 2 without calling the server', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['recordings', 'pause'], /unknown subcommand "recordings pause"; one of: start, stop, list, get, delete/],
      [['recordings', 'start'], /recordings start needs --room <roomId>/],
      [['recordings', 'get'], /missing <recordingId>/],
      [['recordings', 'list', '--page', 'x'], /--page: "x" is not a positive whole number/],
      [['livestreams', 'start', '--room', 'r'], /livestreams start needs --rtmp-url <url>/],
      [['hls', 'stop', 'extra', '--room', 'r'], /unexpected argument "extra"/],
      [['hls', 'start', '--room', 'r', '--recrod'], /unknown flag --recrod; run "roomkit hls start --help"/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect({ argv, code: r.code, stdout: r.stdout }).toEqual({ argv, code: 2, stdout: '' });
      expect(r.stderr).toMatch(message);
    }
  });
});

describe('roomkit recordings/livestreams/hls against a server', () => {
  let ts: TestServer;
  let host: WsTestClient;
  const room = 'cli-egress';
  beforeAll(async () => {
    ts = await startTestServer();
    host = await connectWs(ts.url);
    const token = (await fetch(`${ts.url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
    const joined = await host.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
  }, 30_000);
  afterAll(async () => {
    await host?.close();
    await ts?.stop();
  });

  it('recordings start → list → stop → get → delete, with API errors as one line and exit 1', async () => {
    const started = await run(['recordings', 'start', '--room', room, '--url', ts.url]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const id = /^id:\s+(\S+)$/m.exec(started.stdout)?.[1];
    expect(id).toBeDefined();

    const list = await run(['recordings', 'list', '--room', room, '--url', ts.url]);
    expect(list.stdout).toMatch(/^RECORDING ID\s+ROOM ID\s+SESSION ID\s+STATUS\s+START\s+END\s+DURATION$/m);
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+${room}\\s+\\S+\\s+recording\\s`, 'm'));
    expect(list.stdout).toMatch(/^page 1 of 1, 1 recording$/m);

    await new Promise((r) => setTimeout(r, 2500)); // a couple of seconds of (blank) composite
    const stopped = await run(['recordings', 'stop', '--room', room, '--url', ts.url]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`^id:\\s+${id}$`, 'm'));
    const got = await run(['recordings', 'get', id!, '--url', ts.url]);
    expect(got.stdout).toMatch(/^status:\s+completed$/m);
    expect(got.stdout).toMatch(new RegExp(`^fileUrl:\\s+http://\\S+/v2/recordings/${id}/file$`, 'm'));
    const json = JSON.parse((await run(['recordings', 'get', id!, '--json', '--url', ts.url])).stdout);
    expect(json.file.duration).toBeGreaterThan(0.5);

    expect((await run(['recordings', 'delete', id!, '--url', ts.url])).code).toBe(0);
    const gone = await run(['recordings', 'get', id!, '--url', ts.url]);
    expect(gone).toMatchObject({ code: 1, stdout: '' });
    expect(gone.stderr).toMatch(new RegExp(`^roomkit: GET /v2/recordings/${id} failed: HTTP 404 \\d+: id: no recording`));
    expect(gone.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);

  it('hls and livestreams: empty lists; start in a room without a session is the API error, exit 1', async () => {
    const hls = await run(['hls', 'list', '--room', room, '--url', ts.url]);
    expect(hls).toMatchObject({ code: 0, stdout: expect.stringMatching(/^page 1 of 1, 0 HLS streams$/m) });
    const live = await run(['livestreams', 'list', '--url', ts.url]);
    expect(live).toMatchObject({ code: 0, stdout: expect.stringMatching(/^LIVESTREAM ID\s+ROOM ID/m) });
    const noSession = await run(['hls', 'start', '--room', 'no-such-room', '--url', ts.url]);
    expect(noSession).toMatchObject({ code: 1, stdout: '' });
    expect(noSession.stderr).toMatch(/^roomkit: POST \/v2\/hls\/start failed: HTTP 404 /);
  });
});
