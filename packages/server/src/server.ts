// Wires the pieces together: media engine, rooms, signaling and HTTP; and takes them down in order.
import { mkdirSync } from 'node:fs';
import { LeaveReason } from '@roomkit/protocol';
import type { Config } from './config/schema.js';
import { LocalMediaEngine } from './media/LocalMediaEngine.js';
import { RoomManager } from './rooms/RoomManager.js';
import { SignalingServer } from './signaling/SignalingServer.js';
import { createHttpApp } from './http/createHttpApp.js';
import { bundleSdk } from './http/sdkBundle.js';
import { configureLogging, logger } from './logger.js';
import { createStore } from './store/createStore.js';

export interface RunningServer {
  httpUrl: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  configureLogging(config.logLevel);
  const log = logger('server');
  mkdirSync(config.dataDir, { recursive: true });
  const store = createStore(config);
  const media = new LocalMediaEngine({ bindAddress: config.bind, rtcPort: config.rtcPort, announcedIp: config.announcedIp });
  const rooms = new RoomManager(
    media,
    { maxParticipantsPerRoom: config.limits.maxParticipantsPerRoom },
    { observer: store.observer, directory: store.directory, archive: store.archive },
  );
  const sdkSource = await bundleSdk();
  let signaling: SignalingServer | null = null;
  const app = createHttpApp({
    config,
    sdkSource,
    health: () => ({ rooms: rooms.size, connections: signaling?.connectionCount ?? 0 }),
  });
  signaling = new SignalingServer(app.server, rooms, { apiKey: config.apiKey, apiSecret: config.apiSecret, devMode: config.devMode }, config.limits);
  try {
    await app.listen({ port: config.port, host: config.bind });
  } catch (err) {
    await media.close();
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? 'localhost' : config.bind;
  const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (config.devMode) {
    log.warn(`dev mode: no API key/secret configured; using apiKey=${config.apiKey} apiSecret=${config.apiSecret}. Set ROOMKIT_API_KEY and ROOMKIT_API_SECRET in production.`);
  }
  log.info({ httpUrl, rtcPort: config.rtcPort, announcedIp: config.announcedIp }, `Roomkit listening on ${httpUrl}`);

  let closing: Promise<void> | null = null;
  return {
    httpUrl,
    close() {
      closing ??= (async () => {
        await rooms.closeAll({ code: LeaveReason.ROOM_CLOSE, message: 'the server is shutting down' });
        await signaling?.close();
        await app.close();
        await media.close();
        await store.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}
