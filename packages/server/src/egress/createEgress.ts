// Assembles egress for the server: the job manager (ffmpeg + compositor), the per-kind state
// service, the recording kind with its store, the compose page and ingest routes, and shutdown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { generateEgressToken } from '../auth/egressToken.js';
import type { Config } from '../config/schema.js';
import type { SessionObserver } from '../rooms/hooks.js';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { SqliteDatabase } from '../webhooks/SqliteWebhookOutbox.js';
import type { Webhooks } from '../webhooks/createWebhooks.js';
import type { WebhookEventType } from '../webhooks/types.js';
import { EGRESS_COMPOSE_PATH, EgressManager } from './EgressManager.js';
import { EgressService } from './EgressService.js';
import { JobLimits } from './JobLimits.js';
import { sweepAfterCrash, type SweepReport } from './BootSweep.js';
import { defaults } from '../config/defaults.js';
import { RecordingKind } from './recording/RecordingKind.js';
import { RecordingStore } from './recording/RecordingStore.js';
import { registerStreamingKinds, type StreamingKinds } from './streamingKinds.js';
import { ParticipantRecordings } from './participant/ParticipantRecordings.js';
import type { EgressNotifier } from './EgressService.js';

export interface EgressSettings {
  ffmpegPath: string;
  chromiumPath: string;
  maxConcurrentJobs: number;
  compositor: 'ffmpeg' | 'chromium';
}

export const EGRESS_DEFAULTS: EgressSettings = { ffmpegPath: 'ffmpeg', chromiumPath: '/usr/bin/chromium', maxConcurrentJobs: 2, compositor: 'ffmpeg' };

const publicDir = fileURLToPath(new URL('../../public/egress/', import.meta.url));

export interface Egress {
  service: EgressService;
  manager: EgressManager;
  recordings: RecordingStore;
  /** Participant and track recordings (plain RTP from the SFU into ffmpeg). */
  participantRecordings: ParticipantRecordings;
  /** RTMP livestream and HLS kinds (their job records for REST). */
  streaming: StreamingKinds;
  settings: EgressSettings;
  /** Hears session ends (a meeting that ends stops its jobs). */
  observer: SessionObserver;
  /** Late binding: rooms are created after the observer is handed to them. */
  attachRooms(rooms: RoomManager): void;
  /**
   * Once the server listens: the URL the compositor loads pages from, and the public one
   * (config `publicUrl`, else that same URL) webhook bodies' `fileUrl` and HLS URLs start with.
   */
  setBaseUrl(url: string, publicUrl?: string): void;
  baseUrl(): string;
  routes(app: FastifyInstance): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Before the server takes jobs: what a crash left (BootSweep.ts). */
  sweep(): Promise<SweepReport>;
  close(): Promise<void>;
}

export function createEgress(
  config: Pick<Config, 'apiKey' | 'apiSecret' | 'dataDir' | 'egressMinFreeMb' | 'egressMaxJobSeconds' | 'hlsDvrWindowSeconds'> & { egress?: Partial<EgressSettings> },
  database: SqliteDatabase,
  webhooks: Pick<Webhooks, 'observer' | 'outbound' | 'refreshRoom'>,
): Egress {
  const settings = { ...EGRESS_DEFAULTS, ...config.egress };
  let base = '';
  let rooms: RoomManager | null = null;
  // Read at each check: the config object is the live one.
  const limits = new JobLimits({
    dataDir: config.dataDir,
    minFreeMb: () => config.egressMinFreeMb ?? defaults.egressMinFreeMb ?? 0,
    maxJobSeconds: () => config.egressMaxJobSeconds ?? defaults.egressMaxJobSeconds ?? 0,
  });
  const tmpDir = join(config.dataDir, 'egress-tmp');
  const manager = new EgressManager({
    ...settings,
    tmpDir,
    limits,
    room: (roomId) => rooms?.room(roomId),
    mintToken: (roomId, participantId) =>
      generateEgressToken({ apiKey: config.apiKey, apiSecret: config.apiSecret, roomId, participantId, expiresInSeconds: 7 * 24 * 3600 }),
  });
  // The call's own webhookUrl goes through the same fan-out, so a URL that is also the room's
  // endpoint or the global one gets each event once.
  const notify: EgressNotifier = (session, type, data, extraUrl, guarded) => webhooks.observer.publish(session, type as WebhookEventType, data, extraUrl, guarded);
  const service = new EgressService({ room: (id) => rooms?.room(id), liveSession: (id) => rooms?.liveSession(id) ?? null }, manager, notify, webhooks.outbound, limits);
  const recordings = new RecordingStore(database);
  const ffprobePath = settings.ffmpegPath.replace(/ffmpeg([^/]*)$/, 'ffprobe$1');
  const participantRecordings = new ParticipantRecordings({
    rooms: () => rooms,
    manager,
    store: recordings,
    notify,
    dataDir: config.dataDir,
    ffmpegPath: settings.ffmpegPath,
    ffprobePath,
    baseUrl: () => base,
    outbound: webhooks.outbound,
    limits,
  });
  service.register('recording', new RecordingKind({ dataDir: config.dataDir, ffprobePath, store: recordings, baseUrl: () => base }));
  const streaming = registerStreamingKinds(service, { dataDir: config.dataDir, ffmpegPath: settings.ffmpegPath, ffprobePath, baseUrl: () => base, rooms: () => rooms, db: database, outbound: webhooks.outbound, hlsDvrWindowSeconds: () => config.hlsDvrWindowSeconds ?? defaults.hlsDvrWindowSeconds ?? 0 });
  const page = readFileSync(`${publicDir}compose.html`);
  const script = readFileSync(`${publicDir}compose.js`);
  return {
    service,
    manager,
    recordings,
    participantRecordings,
    streaming,
    settings,
    observer: {
      sessionStarted() {},
      sessionEnded: (session) => {
        service.onSessionEnded(session);
        participantRecordings.onSessionEnded(session);
      },
      participantJoined() {},
      participantLeft: (session, participant) => participantRecordings.onParticipantLeft(session, participant.id),
    },
    attachRooms: (r) => void (rooms = r),
    setBaseUrl: (url, publicUrl) => {
      base = publicUrl ?? url;
      manager.setBaseUrl(url.replace('//0.0.0.0', '//127.0.0.1').replace('//localhost', '//127.0.0.1'));
    },
    baseUrl: () => base,
    routes(app) {
      app.get(EGRESS_COMPOSE_PATH, (_req, reply) => void reply.type('text/html; charset=utf-8').send(page));
      app.get('/egress/compose.js', (_req, reply) => void reply.type('text/javascript; charset=utf-8').send(script));
    },
    handleUpgrade: (req, socket, head) => manager.handleUpgrade(req, socket, head),
    sweep: async () => {
      // Room subscriptions are read on joins; none happened yet, so read the rooms concerned first.
      const events: Array<Parameters<EgressNotifier>> = [];
      const report = await sweepAfterCrash({ dataDir: config.dataDir, tmpDir, ffprobePath, recordings, livestream: streaming.livestream, hls: streaming.hls, notify: (...args) => void events.push(args) });
      for (const roomId of new Set(events.map(([ref]) => ref.roomId))) await webhooks.refreshRoom(roomId);
      for (const args of events) notify(...args);
      return report;
    },
    close: async () => {
      await Promise.all([service.closeAll(), participantRecordings.closeAll()]);
    },
  };
}
