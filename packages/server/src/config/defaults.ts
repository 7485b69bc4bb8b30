// The one defaults object: the bottom layer under file, env and flags.
import type { ConfigInput } from './schema.js';

export const DEV_API_KEY = 'devkey';
export const DEV_API_SECRET = 'devsecret-change-me';
/** Dev mode listens here unless `bind` is given: the dev secret is published. */
export const DEV_BIND = '127.0.0.1';
/** Shortest API secret accepted outside dev mode (HS256: at least the hash's 32 bytes). */
export const MIN_API_SECRET_BYTES = 32;

export const defaults: Readonly<ConfigInput> = Object.freeze({
  port: 7880,
  rtcPort: 7882,
  // Production default; dev mode (no apiKey/apiSecret) uses DEV_BIND unless bind is set.
  bind: '0.0.0.0',
  announcedIp: '127.0.0.1',
  apiKey: undefined,
  apiSecret: undefined,
  dataDir: './data',
  logLevel: 'info',
  logFormat: 'auto',
  requireRoomCreation: false,
  webhookUrl: undefined,
  reconnectGraceSeconds: 20,
  qualitySampleSeconds: 5,
  qualityRetentionDays: 30,
  mediaWorkers: 'auto',
  // A hard cap: a room spans before it when its worker is busy (SpanningRooms BUSY_CPU).
  mediaWorkerRoomCapacity: 200,
  corsOrigins: '*',
  outboundAllowCidrs: [],
  // 1 GB: room for a few minutes of every running job's output after the floor is crossed.
  egressMinFreeMb: 1024,
  egressMaxJobSeconds: 6 * 3600,
  hlsDvrWindowSeconds: 2 * 3600,
  limits: Object.freeze({
    maxMessageBytes: 65536,
    messagesPerSecond: 50,
    messageBurst: 100,
    maxParticipantsPerRoom: 100,
    maxLobbyAskersPerRoom: 100,
    maxRooms: 1000,
    roomsCreatedByJoinPerMinute: 30,
    roomsCreatedPerTokenPerMinute: 30,
    pubsubTopicsPerParticipant: 100,
    pubsubMessagesPerTopic: 1000,
    pubsubBytesPerTopic: 1024 * 1024,
    pubsubMessagesPerSession: 10_000,
    pubsubBytesPerSession: 16 * 1024 * 1024,
    joinTimeoutSeconds: 10,
    unjoinedSocketsPerAddress: 50,
    unjoinedSockets: 1000,
    httpRequestTimeoutSeconds: 30,
    httpHeadersTimeoutSeconds: 10,
    httpIdleTimeoutSeconds: 120,
    // Longer than the 60 s idle timeout of common load balancers, so they close first (fastify's own default).
    httpKeepAliveSeconds: 72,
  }),
});
