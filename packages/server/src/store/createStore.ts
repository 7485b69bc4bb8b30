// Opens the server's store from its configuration: the SQLite file `<dataDir>/roomkit.db`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { SqliteStore } from './SqliteStore.js';

export const DATABASE_FILE = 'roomkit.db';

export function createStore(config: Pick<Config, 'dataDir' | 'requireRoomCreation'>): SqliteStore {
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteStore({ file: join(config.dataDir, DATABASE_FILE), requireRoomCreation: config.requireRoomCreation });
}
