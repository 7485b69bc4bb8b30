// The corsOrigins setting through every layer: default any origin, a file list, ROOMKIT_CORS_ORIGINS
// (comma-separated, `*` = any) and --cors-origins, with errors naming the bad origin's source.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './loadConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'roomkit-cors-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const load = (argv: string[] = [], env: NodeJS.ProcessEnv = {}) => loadConfig({ argv, env, cwd: dir });

function loadError(argv: string[] = [], env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('corsOrigins', () => {
  it('defaults to any origin', () => {
    expect(load().corsOrigins).toBe('*');
  });

  it('from ROOMKIT_CORS_ORIGINS: comma-separated origins (spaces and empty items ignored), or *', () => {
    expect(load([], { ROOMKIT_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173,' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(load([], { ROOMKIT_CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it('from a file as a list ([] = same-origin only), overridden by env, then by --cors-origins', () => {
    const path = join(dir, 'cors.jsonc');
    writeFileSync(path, '{ "corsOrigins": [] }');
    expect(load(['--config', path]).corsOrigins).toEqual([]);
    expect(load(['--config', path], { ROOMKIT_CORS_ORIGINS: 'https://a.example' }).corsOrigins).toEqual(['https://a.example']);
    expect(load(['--config', path, '--cors-origins', '*'], { ROOMKIT_CORS_ORIGINS: 'https://a.example' }).corsOrigins).toBe('*');
  });

  it('refuses what is not an origin (a path, a trailing slash, no scheme), naming the source', () => {
    for (const bad of ['https://app.example.com/', 'https://app.example.com/app', 'app.example.com', 'ftp://files.example.com']) {
      const err = loadError([], { ROOMKIT_CORS_ORIGINS: `https://ok.example,${bad}` });
      expect(err.message).toContain('ROOMKIT_CORS_ORIGINS');
      expect(err.message).toContain('no path or trailing slash');
    }
    const path = join(dir, 'bad.jsonc');
    writeFileSync(path, '{ "corsOrigins": "https://app.example.com" }');
    expect(loadError(['--config', path]).message).toMatch(/corsOrigins must be "\*" or an array of origins/);
  });
});
