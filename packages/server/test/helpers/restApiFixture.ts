// Test fixture for the REST API in-process: the real HTTP app on a real SQLite file in a temp dir,
// with a stand-in for the live rooms that reports to the store like RoomManager does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generateToken, type GenerateTokenOptions } from '../../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { createHttpApp } from '../../src/http/createHttpApp.js';
import { SqliteStore } from '../../src/store/SqliteStore.js';
import type { LiveRooms, RestApiDeps } from '../../src/api/restApi.js';

/** Live meetings as sets of participant ids; ending and removing report to the store's observer. */
export class FakeRooms implements LiveRooms {
  readonly live = new Map<string, { sessionId: string; participants: Map<string, string> }>();
  constructor(private readonly store: SqliteStore) {}

  join(roomId: string, sessionId: string, participantId: string, name = participantId, at = new Date()): void {
    let session = this.live.get(roomId);
    if (!session) {
      session = { sessionId, participants: new Map() };
      this.live.set(roomId, session);
      this.store.observer.sessionStarted({ roomId, sessionId }, at);
    }
    session.participants.set(participantId, name);
    this.store.observer.participantJoined({ roomId, sessionId }, { id: participantId, name }, at);
  }

  liveSession(roomId: string) {
    const session = this.live.get(roomId);
    return session ? { sessionId: session.sessionId, participantIds: [...session.participants.keys()] } : null;
  }

  async removeParticipant(roomId: string, participantId: string): Promise<boolean> {
    const session = this.live.get(roomId);
    const name = session?.participants.get(participantId);
    if (!session || name === undefined) return false;
    session.participants.delete(participantId);
    this.store.observer.participantLeft({ roomId, sessionId: session.sessionId }, { id: participantId, name }, new Date(), { code: 1010, message: 'removed' });
    return true;
  }

  async endMeeting(roomId: string): Promise<boolean> {
    const session = this.live.get(roomId);
    if (!session) return false;
    for (const id of [...session.participants.keys()]) await this.removeParticipant(roomId, id);
    this.live.delete(roomId);
    this.store.observer.sessionEnded({ roomId, sessionId: session.sessionId }, new Date());
    return true;
  }
}

export interface RestApiFixture {
  app: FastifyInstance;
  store: SqliteStore;
  rooms: FakeRooms;
  /** A valid operator token (`roles: ['crawler']`, the operator's backend) unless overridden. */
  token(overrides?: Partial<GenerateTokenOptions>): string;
  get(url: string, token?: string | null): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, token?: string | null): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function startRestApiFixture(): Promise<RestApiFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roomkit-api-'));
  const store = new SqliteStore({ file: join(dataDir, 'roomkit.db'), requireRoomCreation: false });
  const rooms = new FakeRooms(store);
  const config = { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, devMode: false, dataDir } as Config;
  const app = createHttpApp({ config, health: () => ({}), store, rooms });
  await app.ready();
  const token = (overrides: Partial<GenerateTokenOptions> = {}) =>
    generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'], ...overrides });
  const auth = (t: string | null | undefined) => (t === null ? {} : { authorization: t ?? token() });
  return {
    app,
    store,
    rooms,
    token,
    get: (url, t) => app.inject({ method: 'GET', url, headers: auth(t) }),
    post: (url, body, t) =>
      app.inject({
        method: 'POST',
        url,
        headers: { ...auth(t), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Stand-ins for the egress deps, so every recording, livestream and HLS route is mounted (for tests
 * of the route table, access rules and the OpenAPI description: what a handler does after its access
 * check is tested elsewhere). `recording` is the one stored recording.
 */
export function standInEgress(dataDir: string, recording?: { id: string }): Pick<RestApiDeps, 'recordings' | 'streaming'> {
  const service = { start: async () => ({ id: 'job' }), stop: async () => {}, job: () => undefined };
  const records = { get: () => undefined, list: () => ({ items: [], total: 0 }) };
  return {
    recordings: {
      service,
      recordings: { get: async (id: string) => (id === recording?.id ? recording : null), list: async () => ({ items: [], total: 0 }), delete: async () => {} },
      participants: { start: async () => ({ id: 'x' }), stop: async () => recording?.id, running: () => null },
      dataDir,
    } as never,
    streaming: { service, kinds: { livestream: { records }, hls: { records, capture: async () => null } } } as never,
  };
}
