// Opens the server's store from its configuration: the SQLite file `<dataDir>/roomkit.db`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config, Limits } from '../config/schema.js';
import { defaults } from '../config/defaults.js';
import { SqliteStore } from './SqliteStore.js';

export const DATABASE_FILE = 'roomkit.db';

export function createStore(config: Pick<Config, 'dataDir' | 'requireRoomCreation'> & Partial<Pick<Config, 'qualityRetentionDays'>> & { limits?: Partial<Limits> }): SqliteStore {
  mkdirSync(config.dataDir, { recursive: true });
  const limits = { ...defaults.limits, ...config.limits };
  return new SqliteStore({
    file: join(config.dataDir, DATABASE_FILE),
    requireRoomCreation: config.requireRoomCreation,
    ...(config.qualityRetentionDays !== undefined && { qualityRetentionDays: config.qualityRetentionDays }),
    pubsub: {
      messagesPerTopic: limits.pubsubMessagesPerTopic,
      bytesPerTopic: limits.pubsubBytesPerTopic,
      messagesPerSession: limits.pubsubMessagesPerSession,
      bytesPerSession: limits.pubsubBytesPerSession,
    },
  });
}
