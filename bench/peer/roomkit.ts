// Roomkit under test: `roomkit start` as a child process on 127.0.0.1 (dev mode, temp data dir,
// media workers 'auto' = one per core), driven by @roomkit/node-client.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchDevToken, initMeeting, type Meeting, type Stream, type SyntheticMedia } from '@roomkit/node-client';
import type { DelayRecorder } from './delay.js';
import { describe, processTree } from './proc.js';
import type { Peer, Room, Target } from './types.js';

const JOIN_TIMEOUT_MS = 15_000;

export async function startRoomkit(opts: {
  port: number; rtcPort: number; media: SyntheticMedia; delay: DelayRecorder; log: (s: string) => void;
  /** More config file keys (bench:overload turns shedding off), and the media worker count ('auto'). */
  config?: Record<string, unknown>; mediaWorkers?: string;
}): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roomkit-bench-peer-'));
  const url = `http://127.0.0.1:${opts.port}`;
  // The default limits.maxParticipantsPerRoom (100) would end the capacity search before any loss.
  const configFile = join(dataDir, 'bench.json');
  writeFileSync(configFile, JSON.stringify({ limits: { maxParticipantsPerRoom: 1000 }, ...opts.config }));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--config', configFile, '--port', String(opts.port),
    '--rtc-port', String(opts.rtcPort), '--bind', '127.0.0.1', '--announced-ip', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn',
    '--media-workers', opts.mediaWorkers ?? 'auto'], { stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const gone = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(5000).then(() => false)]);
      if (!gone && !exited) child.kill('SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let up = false;
    for (let i = 0; i < 100 && !exited && !up; i++) {
      try {
        up = (await fetch(`${url}/health`)).ok;
      } catch {
        await sleep(200);
      }
    }
    if (!up) throw new Error('roomkit did not come up within 20 s');
  } catch (err) {
    await stop();
    throw err;
  }
  // Media workers are forked at boot: give them a moment to exist before anyone samples pids.
  await sleep(1000);
  opts.log(`roomkit: pid ${child.pid}, process tree ${describe(processTree(child.pid!))}`);

  return {
    name: 'Roomkit',
    pids: () => processTree(child.pid!),
    stop,
    async room(id) {
      const peers: Peer[] = [];
      const join = async (name: string, publish: boolean): Promise<Peer> => {
        const meeting: Meeting = initMeeting({
          meetingId: id, name, signalingBaseUrl: url, token: await fetchDevToken(url, id),
          mode: publish ? 'SEND_AND_RECV' : 'RECV_ONLY', micEnabled: publish, webcamEnabled: publish,
          multiStream: false, media: opts.media, bindAddress: '127.0.0.1',
        });
        const streams: Stream[] = [];
        meeting.on('participant-joined', (p) => p.on('stream-enabled', (s: Stream) => {
          streams.push(s);
          if (s.kind === 'video') {
            let pt = -1;
            s.onRtp((buf, h) => {
              if (pt < 0) pt = h.payloadType;
              if (h.payloadType === pt) opts.delay.onVideoPacket(buf);
            });
          }
        }));
        const peer: Peer = {
          received: () => streams.map((s) => s.stats!).filter(Boolean),
          close: () => withTimeout(meeting.leave(), 5000).catch(() => {}),
        };
        peers.push(peer);
        await withTimeout(meeting.join(), JOIN_TIMEOUT_MS).catch(async (err: Error) => {
          throw new Error(`roomkit join ${name}: ${err.message}`);
        });
        return peer;
      };
      const room: Room = {
        addPublisher: (name) => join(name, true),
        addSubscriber: (name) => join(name, false),
        close: async () => {
          await Promise.all(peers.map((p) => p.close()));
        },
      };
      return room;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e); });
  });
}
