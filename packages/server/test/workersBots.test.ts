// Node client bots when their media worker dies: the server rebuilds the meeting on the other
// worker and sends mediaReset; each bot publishes again and receives through a fresh subscriber
// connection (before, a bot ignored mediaReset and lost its media for good).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Meeting } from '@roomkit/node-client';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { NodeParticipants, until } from './helpers/nodeParticipants.js';
import { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';

let server: TestServer;
const bots = new NodeParticipants(() => server.url);

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 2 });
}, 60_000);
afterAll(async () => {
  await bots.leaveAll();
  await server?.stop();
});

/** Video packets `viewer` has received from `sender` so far (its current stream; 0 without one). */
function videoPackets(viewer: Meeting, sender: Meeting): number {
  const stream = [...(viewer.participants.get(sender.localParticipant.id)?.streams.values() ?? [])].find((s) => s.kind === 'video');
  return stream?.stats?.packets ?? 0;
}

/** True once `viewer` receives `sender`'s video (more than 20 packets within a second), polled up to `ms`. */
async function receiving(viewer: Meeting, sender: Meeting, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const before = videoPackets(viewer, sender);
    await new Promise((r) => setTimeout(r, 1000));
    if (videoPackets(viewer, sender) - before > 20) return true;
  }
  return false;
}

describe('media worker crash with Node client bots', () => {
  it('both bots publish and receive again on the remaining worker; nobody leaves', async () => {
    const engine = server.server.media as WorkerMediaEngine;
    expect(engine).toBeInstanceOf(WorkerMediaEngine);
    const a = await bots.join('bot-room', 'BotA', true);
    const b = await bots.join('bot-room', 'BotB', true);
    const left: string[] = [];
    for (const bot of [a, b]) {
      bot.on('participant-left', (p) => left.push(p.id));
      bot.on('meeting-left', () => left.push('self'));
    }
    expect(await receiving(a, b, 20_000)).toBe(true);
    expect(await receiving(b, a, 20_000)).toBe(true);

    const owning = [0, 1].find((i) => (engine as unknown as { workers: Array<{ routers: Set<string> }> }).workers[i]!.routers.size > 0)!;
    await engine.crashWorker(owning);
    expect(engine.workerCount).toBe(1);

    expect(await receiving(a, b, 30_000)).toBe(true);
    expect(await receiving(b, a, 30_000)).toBe(true);
    expect(await until(() => a.localParticipant.streams.size === 2 && b.localParticipant.streams.size === 2, 5000)).toBe(true);
    expect(left).toEqual([]);
  });
});
