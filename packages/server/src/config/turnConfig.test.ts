// The TURN settings through every layer: turnServers (ROOMKIT_TURN_SERVERS, a comma list),
// turnSecret (ROOMKIT_TURN_SECRET) and turnCredentialTtlSeconds (ROOMKIT_TURN_TTL_SECONDS), and the
// refusals that name the key and where the bad value came from.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { checkTurnConfig, loadConfig } from './loadConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'roomkit-turn-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SECRET = 'a-turn-secret-of-32-bytes-length';
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

describe('TURN settings', () => {
  it('are unset by default', () => {
    const config = load();
    expect(config.turnServers).toBeUndefined();
    expect(config.turnSecret).toBeUndefined();
    expect(config.turnCredentialTtlSeconds).toBeUndefined();
  });

  it('read ROOMKIT_TURN_SERVERS as a comma list (spaces and empty items ignored), with the secret and the lifetime', () => {
    const config = load([], {
      ROOMKIT_TURN_SERVERS: ' turn:turn.example.com:3478?transport=udp, turns:turn.example.com:5349?transport=tcp,,stun:10.0.0.1:3478 ',
      ROOMKIT_TURN_SECRET: SECRET,
      ROOMKIT_TURN_TTL_SECONDS: '3600',
    });
    expect(config.turnServers).toEqual(['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp', 'stun:10.0.0.1:3478']);
    expect(config.turnSecret).toBe(SECRET);
    expect(config.turnCredentialTtlSeconds).toBe(3600);
  });

  it('come from the file and flags too, flags winning', () => {
    const path = join(dir, 'turn.json');
    writeFileSync(path, JSON.stringify({ turnServers: ['turn:a.example.com'], turnSecret: SECRET, turnCredentialTtlSeconds: 600 }));
    expect(load(['--config', path])).toMatchObject({ turnServers: ['turn:a.example.com'], turnCredentialTtlSeconds: 600 });
    expect(load(['--config', path, '--turn-servers', 'turns:b.example.com:443?transport=tcp', '--turn-ttl-seconds', '120'])).toMatchObject({
      turnServers: ['turns:b.example.com:443?transport=tcp'],
      turnSecret: SECRET,
      turnCredentialTtlSeconds: 120,
    });
  });

  it('refuse a URL that is not turn:, turns: or stun:, naming the key and where it came from', () => {
    for (const bad of ['http://turn.example.com', 'turn:turn.example.com:3478?transport=sctp', 'turn:', 'turn:user@host']) {
      const err = loadError([], { ROOMKIT_TURN_SERVERS: `turn:ok.example.com,${bad}`, ROOMKIT_TURN_SECRET: SECRET });
      expect(err.key).toBe('turnServers');
      expect(err.message).toBe(`turnServers from env ROOMKIT_TURN_SERVERS: "turn:ok.example.com,${bad}" must be a turn:, turns: or stun: URL like turn:turn.example.com:3478?transport=tcp`);
    }
    const path = join(dir, 'bad-url.json');
    writeFileSync(path, JSON.stringify({ turnServers: ['turn:ok.example.com', 'https://turn.example.com'], turnSecret: SECRET }));
    expect(loadError(["--config", path]).message).toBe(`config file ${path}: turnServers.1 must be a turn:, turns: or stun: URL like turn:turn.example.com:3478?transport=tcp (got "https://turn.example.com")`);
  });

  it('refuse turn: URLs without turnSecret, saying how to set it', () => {
    const err = loadError([], { ROOMKIT_TURN_SERVERS: 'turn:turn.example.com' });
    expect(err.key).toBe('turnSecret');
    expect(err.message).toMatch(/turnServers \(from env ROOMKIT_TURN_SERVERS\) lists turn: URLs but turnSecret is not set: set it \(ROOMKIT_TURN_SECRET or --turn-secret\)/);
    expect(loadError(['--turn-servers', 'turns:turn.example.com:5349']).key).toBe('turnSecret');
    // STUN needs no secret.
    expect(load([], { ROOMKIT_TURN_SERVERS: 'stun:stun.example.com' }).turnServers).toEqual(['stun:stun.example.com']);
    // Embedders calling startServer with a Config get the same refusal.
    expect(() => checkTurnConfig({ turnServers: ['turn:x.example.com'] })).toThrow(ConfigError);
  });

  it('refuse a secret shorter than 16 bytes and a lifetime out of range, naming the key', () => {
    const short = loadError([], { ROOMKIT_TURN_SERVERS: 'turn:t.example.com', ROOMKIT_TURN_SECRET: 'short-secret' });
    expect(short.key).toBe('turnSecret');
    // The secret itself is not echoed (error messages end up in logs).
    expect(short.message).toBe('turnSecret from env ROOMKIT_TURN_SECRET: (12 bytes) must be at least 16 bytes (e.g. "openssl rand -base64 32")');
    const file = join(dir, 'short-secret.json');
    writeFileSync(file, JSON.stringify({ turnSecret: 'short-secret' }));
    expect(loadError(['--config', file]).message).toBe(`config file ${file}: turnSecret must be at least 16 bytes (e.g. "openssl rand -base64 32") (got 12 bytes)`);
    expect(loadError([], { ROOMKIT_TURN_TTL_SECONDS: '59' }).message).toBe('turnCredentialTtlSeconds from env ROOMKIT_TURN_TTL_SECONDS: "59" must be 60 or more');
    expect(loadError(['--turn-ttl-seconds', '604801']).message).toMatch(/^turnCredentialTtlSeconds from flag --turn-ttl-seconds: "604801" must be at most 604800/);
    expect(loadError([], { ROOMKIT_TURN_TTL_SECONDS: '1h' }).message).toBe('turnCredentialTtlSeconds from env ROOMKIT_TURN_TTL_SECONDS: "1h" is not a whole number');
  });
});
