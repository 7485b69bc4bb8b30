// Wires the pieces together: media engine, rooms, signaling and HTTP; and takes them down in order.
import { mkdirSync } from 'node:fs';
import { LeaveReason } from '@roomkit/protocol';
import type { Config } from './config/schema.js';
import { checkApiSecret, checkTurnConfig } from './config/loadConfig.js';
import { hasUdpTurn, iceServersFor } from './auth/turnCredentials.js';
import { createMediaEngine } from './media/createMediaEngine.js';
import type { MediaEngine } from './media/types.js';
import { RoomManager } from './rooms/RoomManager.js';
import { SignalingServer } from './signaling/SignalingServer.js';
import { createHttpApp } from './http/createHttpApp.js';
import { loadSdk } from './http/sdkBundle.js';
import { configureLogging, logger } from './logger.js';
import { createStore } from './store/createStore.js';
import { combineObservers } from './webhooks/combineObservers.js';
import { createWebhooks, type WebhookTuning } from './webhooks/createWebhooks.js';
import { createEgress } from './egress/createEgress.js';
import { scrapeMetrics } from './serverMetrics.js';
import { listenMetrics } from './http/metricsRoutes.js';
import { defaults } from './config/defaults.js';
import { ServerSockets } from './http/ServerSockets.js';
import { UpgradeRouter } from './http/UpgradeRouter.js';
import { trustFunction } from './net/proxyTrust.js';

/** How long requests in flight may take to finish at shutdown before their sockets are destroyed. */
const SHUTDOWN_SOCKET_GRACE_MS = 1000;

export interface RunningServer {
  httpUrl: string;
  /** The `metricsPort` listener's URL (GET /metrics there), when one is configured. */
  metricsUrl?: string;
  /** The media engine, for tests and diagnostics (e.g. crashing a worker on purpose). */
  media: MediaEngine;
  close(): Promise<void>;
}

export interface StartServerOptions {
  /** Webhook retry timing (tests shorten it); delivery defaults otherwise. */
  webhooks?: WebhookTuning;
}

export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  checkApiSecret(config);
  checkTurnConfig(config);
  // Embedders and tests may give only some limits: the rest are the defaults.
  config = { ...config, limits: { ...defaults.limits, ...config.limits } };
  const { limits } = config;
  configureLogging(config.logLevel, config.logFormat);
  const log = logger('server');
  mkdirSync(config.dataDir, { recursive: true });
  const store = createStore(config);
  const webhooks = createWebhooks(config, store, options.webhooks);
  const egress = createEgress(config, store.database, webhooks);
  await egress.sweep(); // what a crash left: cut-off jobs failed (webhooks), stray files removed
  const media = await createMediaEngine(
    {
      bindAddress: config.bind,
      rtcPort: config.rtcPort,
      announcedIp: config.announcedIp,
      logLevel: config.logLevel,
      logFormat: config.logFormat,
      ...(config.mediaMaxLatenessMs && { staleMedia: { maxVideoLatenessMs: config.mediaMaxLatenessMs.video, maxAudioLatenessMs: config.mediaMaxLatenessMs.audio } }),
    },
    config.mediaWorkers ?? 'auto',
    { roomCapacity: config.mediaWorkerRoomCapacity ?? 0 },
  );
  const turn = config.turnServers?.length ? { urls: config.turnServers, secret: config.turnSecret ?? '', ttlSeconds: config.turnCredentialTtlSeconds ?? 86_400 } : undefined;
  const rooms = new RoomManager(
    media,
    {
      maxParticipantsPerRoom: limits.maxParticipantsPerRoom,
      maxLobbyAskersPerRoom: limits.maxLobbyAskersPerRoom,
      maxRooms: limits.maxRooms,
      roomsCreatedByJoinPerMinute: limits.roomsCreatedByJoinPerMinute,
      pubsubTopicsPerParticipant: limits.pubsubTopicsPerParticipant,
      reconnectGraceSeconds: config.reconnectGraceSeconds ?? 20,
      iceServersFor: (participantId) => iceServersFor(turn, participantId),
      qualitySampleSeconds: config.qualitySampleSeconds ?? 5,
    },
    { observer: combineObservers(store.observer, webhooks.observer, egress.observer), directory: webhooks.directory(store.directory), archive: store.archive, quality: store.quality },
  );
  egress.attachRooms(rooms);
  const sdk = await loadSdk();
  let signaling: SignalingServer | null = null;
  const scrape = () => scrapeMetrics(media, { rooms: rooms.size, participants: rooms.participantCount, connections: signaling?.connectionCount ?? 0 });
  const app = createHttpApp({
    config,
    sdk,
    store,
    rooms,
    recordings: { service: egress.service, recordings: egress.recordings, participants: egress.participantRecordings, dataDir: config.dataDir },
    extraRoutes: (a) => egress.routes(a),
    streaming: { service: egress.service, kinds: egress.streaming },
    operator: { liveRooms: (limit) => rooms.liveRooms(limit), latestQuality: (sessionId, participantId) => rooms.quality?.latest(sessionId, participantId) ?? null, deliveries: webhooks.deliveries },
    hlsState: (roomId) => egress.service.states(roomId).find((s) => s.kind === 'hls') ?? null,
    health: () => {
      // Media capacity: every configured worker dead (and not yet respawned) means no meeting can
      // carry media; the route answers 503 then. In-process media (0 workers) is always live.
      const workers = media.workerHealth?.() ?? { live: 0, configured: 0 };
      return { ok: workers.configured === 0 || workers.live > 0, rooms: rooms.size, connections: signaling?.connectionCount ?? 0, mediaWorkers: workers };
    },
    metrics: scrape,
  });
  const sockets = new ServerSockets(app.server);
  signaling = new SignalingServer(rooms, { apiKey: config.apiKey, apiSecret: config.apiSecret, devMode: config.devMode }, limits, egress.service, trustFunction(config.trustProxy));
  const upgrades = new UpgradeRouter(app.server);
  const signalingUpgrades = signaling;
  upgrades.add((req, socket, head) => signalingUpgrades.handleUpgrade(req, socket, head));
  upgrades.add((req, socket, head) => egress.handleUpgrade(req, socket, head));
  let metricsListener: Awaited<ReturnType<typeof listenMetrics>> | null = null;
  try {
    await app.listen({ port: config.port, host: config.bind });
    if (config.metricsPort !== undefined) {
      metricsListener = await listenMetrics({ port: config.metricsPort, bind: config.metricsBind, token: config.metricsToken, scrape });
    }
  } catch (err) {
    await app.close();
    await media.close();
    await webhooks.stop();
    await store.close();
    throw err;
  }
  webhooks.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? 'localhost' : config.bind;
  const httpUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  egress.setBaseUrl(httpUrl, config.publicUrl);
  // Webhooks are sent from jobs, outside any request: only publicUrl can say where clients are.
  // (Not the starting request's Host: the caller chooses it, and the operator's endpoint reads it.)
  const loopback = config.bind === '127.0.0.1' || config.bind === '::1';
  if ((config.trustProxy === true || typeof config.trustProxy === 'number') && !loopback) {
    log.warn(`trustProxy ${String(config.trustProxy)} believes X-Forwarded-* from whoever connects, and the server listens on ${config.bind}: a client reaching it directly can choose its address and URLs. Bind to 127.0.0.1 or list the proxy's addresses instead`);
  }
  if (config.trustProxy && !config.publicUrl) {
    log.warn(`trustProxy is set but publicUrl is not: URLs in webhook bodies (fileUrl, HLS URLs) will start with ${httpUrl}; set ROOMKIT_PUBLIC_URL to the proxy's origin`);
  }
  if (config.devMode) {
    log.warn(`dev mode: no API key/secret configured; using apiKey=${config.apiKey} apiSecret=${config.apiSecret}. Set ROOMKIT_API_KEY and ROOMKIT_API_SECRET in production.${config.bind === '127.0.0.1' ? ' Listening on 127.0.0.1 only (dev mode default); set --bind / ROOMKIT_BIND to expose it.' : ''}`);
  }
  if (turn && turn.urls.some((u) => u.startsWith('turn')) && !hasUdpTurn(turn.urls)) {
    log.warn('turnServers lists TURN only over TCP/TLS, which Chromium cannot use with this server yet (libjuice issue #355): add a turn:<host>:3478?transport=udp URL (README, "Clients behind firewalls")');
  }
  log.info({ httpUrl, rtcPort: config.rtcPort, announcedIp: config.announcedIp }, `Roomkit listening on ${httpUrl}`);

  let closing: Promise<void> | null = null;
  if (metricsListener) log.info({ metricsUrl: metricsListener.url }, `metrics on ${metricsListener.url}/metrics`);
  return {
    httpUrl,
    ...(metricsListener && { metricsUrl: metricsListener.url }),
    media,
    close() {
      closing ??= (async () => {
        await egress.close(); // finishes recordings while their meetings still run
        await rooms.closeAll({ code: LeaveReason.ROOM_CLOSE, message: 'the server is shutting down' });
        await signaling?.close();
        // A request still in flight (a body that never ends, a slow download) gets a moment, then
        // its socket goes; so does anything else still open (an upgrade nobody finished).
        const httpClosed = app.close();
        await sockets.closeAll(SHUTDOWN_SOCKET_GRACE_MS);
        await httpClosed;
        await metricsListener?.app.close();
        await media.close();
        await webhooks.stop(); // after the rooms closed: their last events are in the outbox
        await store.close();
        log.info('stopped');
      })();
      return closing;
    },
  };
}
