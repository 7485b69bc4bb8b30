// The server as an operator runs it: `roomkit start` as a process, and SIGTERM closing every
// participant and releasing its ports before a clean exit.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaveReason } from '@roomkit/protocol';
import { connectWs } from './helpers/wsClient.js';
import { waitFor } from './helpers/sdkPage.js';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

describe('roomkit start', () => {
  it('SIGTERM ends meetings for their participants, frees the ports and exits 0', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-lifecycle-'));
    dirs.push(dataDir);
    const port = 30000 + Math.floor(Math.random() * 5000);
    const rtcPort = port + 5000;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--port', String(port), '--rtc-port', String(rtcPort), '--bind', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    const up = await waitFor(() => fetch(`${url}/health`).then((r) => r.ok, () => false), 30_000);
    expect(up, output).toBe(true);
    expect(output).toMatch(/dev mode/);

    const client = await connectWs(url);
    const token = (await fetch(`${url}/dev/token?roomId=lifecycle`).then((r) => r.json())).token;
    const joined = await client.request({ t: 'join', token, meetingId: 'lifecycle', name: 'Ops', mode: 'SIGNALLING_ONLY' });
    expect(joined.ok).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const left = await client.waitFor((m) => m.t === 'meetingLeft', 10_000);
    expect(left.reason.code).toBe(LeaveReason.ROOM_CLOSE);
    expect(await exited).toBe(0);
    // The kernel may take a few ms after the exit notification to release the socket.
    expect(await waitFor(() => udpPortFree(rtcPort), 5000, 50)).toBe(true);
    await client.close();
  });

  it('an unknown config key stops the boot with a message naming it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--colour', 'blue'], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/colour/);
  });
});
