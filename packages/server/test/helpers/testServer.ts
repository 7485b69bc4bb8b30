// Starts a real Roomkit server in the test process on loopback, with a temp data dir and a UDP
// media port of its own; stop() always releases both.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server.js';
import type { Config, Limits } from '../../src/config/schema.js';
import { DEV_API_KEY, DEV_API_SECRET, defaults } from '../../src/config/defaults.js';

/** Config overrides; `limits` may name only the keys a test changes (the rest are the defaults). */
export type TestConfigOverrides = Omit<Partial<Config>, 'limits'> & { limits?: Partial<Limits> };

export interface TestServer {
  server: RunningServer;
  url: string;
  config: Config;
  stop(): Promise<void>;
}

/** UDP media ports for tests: spread so consecutive files never collide on a lingering socket. */
function pickRtcPort(): number {
  return 20000 + Math.floor(Math.random() * 20000);
}

/** With `overrides.dataDir` the caller owns that directory (e.g. to restart on it); else a temp one is removed on stop. */
export async function startTestServer(overrides: TestConfigOverrides = {}, options: StartServerOptions = {}): Promise<TestServer> {
  const ownDataDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? (await mkdtemp(join(tmpdir(), 'roomkit-test-data-')));
  const config: Config = {
    port: 0,
    rtcPort: pickRtcPort(),
    bind: '127.0.0.1',
    announcedIp: '127.0.0.1',
    apiKey: DEV_API_KEY,
    apiSecret: DEV_API_SECRET,
    devMode: true,
    dataDir,
    logLevel: (process.env.RK_TEST_LOG_LEVEL as Config['logLevel']) ?? 'warn',
    requireRoomCreation: false,
    reconnectGraceSeconds: 20,
    // RK_TEST_MEDIA_WORKERS=0 runs media in the server process; default: one worker per core.
    mediaWorkers: process.env.RK_TEST_MEDIA_WORKERS ? Number(process.env.RK_TEST_MEDIA_WORKERS) : 'auto',
    // Tests' webhook receivers and nginx-rtmp listen on loopback; participants may reach them here.
    // Tests of the refusal itself pass `outboundAllowCidrs: []`.
    outboundAllowCidrs: ['127.0.0.0/8', '::1/128'],
    ...overrides,
    limits: { ...defaults.limits, maxMessageBytes: 65536, messagesPerSecond: 50, messageBurst: 100, maxParticipantsPerRoom: 100, ...overrides.limits },
  } as Config;
  const server = await startServer(config, options);
  return {
    server,
    url: server.httpUrl,
    config,
    async stop() {
      try {
        await server.close();
      } finally {
        if (ownDataDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
