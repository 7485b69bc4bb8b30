// The one defaults object: the bottom layer under file, env and flags.
import type { ConfigInput } from './schema.js';

export const DEV_API_KEY = 'devkey';
export const DEV_API_SECRET = 'devsecret-change-me';

export const defaults: Readonly<ConfigInput> = Object.freeze({
  port: 7880,
  rtcPort: 7882,
  bind: '0.0.0.0',
  announcedIp: '127.0.0.1',
  apiKey: undefined,
  apiSecret: undefined,
  dataDir: './data',
  logLevel: 'info',
  requireRoomCreation: false,
  webhookUrl: undefined,
  reconnectGraceSeconds: 20,
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
  }),
});
