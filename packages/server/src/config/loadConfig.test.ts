import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { loadConfig, stripJsonComments } from './loadConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'roomkit-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function load(argv: string[] = [], env: NodeJS.ProcessEnv = {}) {
  return loadConfig({ argv, env, cwd: dir });
}

function loadError(argv: string[] = [], env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

const S1 = 's1'.repeat(16);
const S2 = 's2'.repeat(16);

describe('loadConfig', () => {
  it('with nothing given, returns the defaults in dev mode, listening on loopback only', () => {
    expect(load()).toEqual({
      port: 7880,
      rtcPort: 7882,
      bind: '127.0.0.1',
      announcedIp: '127.0.0.1',
      apiKey: 'devkey',
      apiSecret: 'devsecret-change-me',
      devMode: true,
      dataDir: join(dir, 'data'),
      logLevel: 'info',
      logFormat: 'auto',
      requireRoomCreation: false,
      reconnectGraceSeconds: 20,
      qualitySampleSeconds: 5,
      qualityRetentionDays: 30,
      mediaWorkers: 'auto',
      mediaWorkerRoomCapacity: 200,
      corsOrigins: '*',
      outboundAllowCidrs: [],
      egressMinFreeMb: 1024,
      egressMaxJobSeconds: 21600,
      hlsDvrWindowSeconds: 7200,
      limits: {
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
        pubsubBytesPerTopic: 1048576,
        pubsubMessagesPerSession: 10000,
        pubsubBytesPerSession: 16777216,
        joinTimeoutSeconds: 10,
        unjoinedSocketsPerAddress: 50,
        unjoinedSockets: 1000,
        httpRequestTimeoutSeconds: 30,
        httpHeadersTimeoutSeconds: 10,
        httpIdleTimeoutSeconds: 120,
        httpKeepAliveSeconds: 72,
      },
    });
  });

  it('reads ROOMKIT_OUTBOUND_ALLOW as a comma list of CIDR ranges and refuses a bad one naming it', () => {
    expect(load([], { ROOMKIT_OUTBOUND_ALLOW: '10.0.0.0/8, fd00::/8,127.0.0.1' }).outboundAllowCidrs).toEqual(['10.0.0.0/8', 'fd00::/8', '127.0.0.1']);
    expect(() => load([], { ROOMKIT_OUTBOUND_ALLOW: '10.0.0.0/99' })).toThrow(/outboundAllowCidrs.*CIDR/);
    expect(load(['--egress-max-job-seconds', '60'], { ROOMKIT_EGRESS_MIN_FREE_MB: '0' })).toMatchObject({ egressMaxJobSeconds: 60, egressMinFreeMb: 0 });
  });

  it('reads the metrics settings from env and flags, and refuses a bad port, address or too short a token naming the key', () => {
    expect(load(['--metrics-bind', '10.0.0.5'], { ROOMKIT_METRICS_PORT: '9464', ROOMKIT_METRICS_TOKEN: 'x'.repeat(24) })).toMatchObject({ metricsPort: 9464, metricsBind: '10.0.0.5', metricsToken: 'x'.repeat(24) });
    expect(load().metricsPort).toBeUndefined();
    expect(() => load([], { ROOMKIT_METRICS_PORT: '70000' })).toThrow(/metricsPort/);
    expect(() => load(['--metrics-bind', 'localhost'])).toThrow(/metricsBind/);
    expect(() => load([], { ROOMKIT_METRICS_TOKEN: 'short' })).toThrow(/metricsToken.*16/);
  });

  it('reads ROOMKIT_TRUST_PROXY as true/false, a hop count or a comma list; off unless set; bad values named', () => {
    expect(load([]).trustProxy).toBeUndefined();
    expect(load([], { ROOMKIT_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(load([], { ROOMKIT_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(load([], { ROOMKIT_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(load([], { ROOMKIT_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,loopback' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'loopback']);
    expect(load(['--trust-proxy', '::1'], {}).trustProxy).toEqual(['::1']);
    for (const bad of ['yes', '0', '10.0.0.0/99', 'proxy.example.com', '999']) {
      expect(() => load([], { ROOMKIT_TRUST_PROXY: bad }), bad).toThrow(/trustProxy from env ROOMKIT_TRUST_PROXY: .* must be true, false, a number of proxy hops/);
    }
    const file = writeConfig('trust.json', '{ "trustProxy": ["192.168.0.0/16"], "publicUrl": "https://rtc.example.com" }');
    expect(load(['--config', file])).toMatchObject({ trustProxy: ['192.168.0.0/16'], publicUrl: 'https://rtc.example.com' });
    expect(() => load(['--config', writeConfig('trust-bad.json', '{ "trustProxy": "true" }')])).toThrow(/trustProxy/);
  });

  it('reads ROOMKIT_PUBLIC_URL as an origin, refusing a path, a trailing slash or another scheme', () => {
    expect(load([], { ROOMKIT_PUBLIC_URL: 'https://rtc.example.com:8443' }).publicUrl).toBe('https://rtc.example.com:8443');
    for (const bad of ['https://rtc.example.com/', 'https://rtc.example.com/roomkit', 'ftp://rtc.example.com', 'rtc.example.com']) {
      expect(() => load([], { ROOMKIT_PUBLIC_URL: bad }), bad).toThrow(/publicUrl from env ROOMKIT_PUBLIC_URL: .* must be an origin like https:\/\/rtc.example.com/);
    }
  });

  it('ignores environment variables outside the ROOMKIT_ namespace', () => {
    expect(load([], { PATH: '/bin', HOME: '/root' }).port).toBe(7880);
  });

  it('with a file, overrides defaults and merges limits key by key', () => {
    const path = writeConfig(
      'a.jsonc',
      `{
        // the port "with // inside a string" stays intact
        "port": 9000, /* block */
        "bind": "::", "dataDir": "x//y",
        "requireRoomCreation": true,
        "limits": { "messageBurst": 5 }
      }`,
    );
    const config = load(['--config', path]);
    expect(config.port).toBe(9000);
    expect(config.bind).toBe('::');
    expect(config.dataDir).toBe(join(dir, 'x/y'));
    expect(config.requireRoomCreation).toBe(true);
    expect(config.limits).toEqual({ ...defaults.limits, messageBurst: 5 });
  });

  it('with ROOMKIT_CONFIG, reads the file relative to cwd', () => {
    writeConfig('b.json', '{"rtcPort": 40000}');
    expect(load([], { ROOMKIT_CONFIG: 'b.json' }).rtcPort).toBe(40000);
  });

  it('env overrides the file, and flags override env', () => {
    const path = writeConfig('c.json', '{"port": 9000, "logLevel": "warn", "announcedIp": "10.0.0.1"}');
    const env = { ROOMKIT_CONFIG: path, ROOMKIT_PORT: '9100', ROOMKIT_LOG_LEVEL: 'debug' };
    const fromEnv = load([], env);
    expect([fromEnv.port, fromEnv.logLevel, fromEnv.announcedIp]).toEqual([9100, 'debug', '10.0.0.1']);
    const fromFlags = load(['--port=9200', '--announced-ip', '192.168.1.2'], env);
    expect([fromFlags.port, fromFlags.logLevel, fromFlags.announcedIp]).toEqual([9200, 'debug', '192.168.1.2']);
  });

  it('--config wins over ROOMKIT_CONFIG', () => {
    writeConfig('d1.json', '{"port": 1111}');
    writeConfig('d2.json', '{"port": 2222}');
    expect(load(['--config=d2.json'], { ROOMKIT_CONFIG: 'd1.json' }).port).toBe(2222);
  });

  it('with key and secret set, leaves dev mode and listens on all interfaces by default', () => {
    const config = load(['--api-key', 'k1', '--api-secret', S1]);
    expect([config.apiKey, config.apiSecret, config.devMode, config.bind]).toEqual(['k1', S1, false, '0.0.0.0']);
    const mixed = load(['--api-secret', S2], { ROOMKIT_API_KEY: 'k2' });
    expect([mixed.apiKey, mixed.apiSecret, mixed.devMode]).toEqual(['k2', S2, false]);
  });

  // Safe defaults (issue #14): the dev secret is published, so dev mode is reachable from this
  // machine only unless told otherwise; a production secret must be long enough not to be guessed.
  it.each([
    ['flag', ['--bind', '0.0.0.0'], {}],
    ['env', [], { ROOMKIT_BIND: '0.0.0.0' }],
  ])('in dev mode with bind given by %s, listens where asked', (_via, argv, env) => {
    expect(load(argv, env as Record<string, string>).bind).toBe('0.0.0.0');
  });

  it('in dev mode with bind given in the config file, listens where asked', () => {
    expect(load(['--config', writeConfig('bind.json', '{"bind": "0.0.0.0"}')]).bind).toBe('0.0.0.0');
  });

  it.each([
    ['flag --api-secret', ['--api-key', 'k1', '--api-secret', 'short-secret'], {}],
    ['env ROOMKIT_API_SECRET', [], { ROOMKIT_API_KEY: 'k1', ROOMKIT_API_SECRET: 'x'.repeat(31) }],
  ])('with an API secret under 32 bytes from %s, throws naming the setting, the length and the minimum', (source, argv, env) => {
    const err = loadError(argv, env as Record<string, string>);
    expect(err.key).toBe('apiSecret');
    expect(err.message).toMatch(/apiSecret \(from .*\) is \d+ bytes; outside dev mode it must be at least 32 bytes/);
    expect(err.message).toContain(source);
    expect(err.message).toContain('ROOMKIT_API_SECRET');
  });

  it('with an API secret of exactly 32 bytes, starts', () => {
    expect(load(['--api-key', 'k1', '--api-secret', 'x'.repeat(32)]).devMode).toBe(false);
  });

  it('with only the key set, throws naming the missing secret', () => {
    const err = loadError([], { ROOMKIT_API_KEY: 'k1' });
    expect(err.message).toMatch(/apiSecret/);
    expect(err.message).toMatch(/ROOMKIT_API_KEY/);
    expect(loadError(['--api-secret', 's']).message).toMatch(/apiSecret is set \(from flag --api-secret\) but apiKey is not/);
  });

  it('with an unknown file key, throws naming the key and the file', () => {
    const path = writeConfig('e.json', '{"port": 1, "prot": 2}');
    const err = loadError(['--config', path]);
    expect(err.message).toContain(path);
    expect(err.message).toContain('unknown key "prot"');
    const nested = writeConfig('f.json', '{"limits": {"burst": 2}}');
    expect(loadError(['--config', nested]).message).toContain('unknown key "limits.burst"');
  });

  it('with a wrongly typed file value, names the key and value', () => {
    const path = writeConfig('g.json', '{"limits": {"messageBurst": "10"}}');
    expect(loadError(['--config', path]).message).toMatch(/limits\.messageBurst must be a number \(got "10"\)/);
  });

  it('with a missing or unparsable file, says which and who named it', () => {
    expect(loadError([], { ROOMKIT_CONFIG: 'nope.json' }).message).toMatch(/nope\.json \(named by ROOMKIT_CONFIG\) does not exist/);
    const path = writeConfig('h.json', '{"port": 1,}');
    expect(loadError(['--config', path]).message).toMatch(/is not valid JSON/);
    const arr = writeConfig('i.json', '[1]');
    expect(loadError(['--config', arr]).message).toMatch(/must contain a JSON object/);
  });

  it('with an unknown ROOMKIT_ variable, throws listing the known ones', () => {
    const err = loadError([], { ROOMKIT_PROT: '1' });
    expect(err.message).toContain('ROOMKIT_PROT');
    expect(err.message).toContain('ROOMKIT_RTC_PORT');
    expect(err.source).toBe('env ROOMKIT_PROT');
  });

  it('with an empty ROOMKIT_ variable, throws', () => {
    expect(loadError([], { ROOMKIT_BIND: '' }).message).toMatch(/ROOMKIT_BIND is set but empty/);
  });

  it('with an unknown flag or stray argument, throws naming it', () => {
    expect(loadError(['--prot', '1']).message).toMatch(/unknown flag --prot; known flags: --port/);
    expect(loadError(['--prot=1']).message).toMatch(/unknown flag --prot;/);
    expect(loadError(['extra']).message).toMatch(/unexpected argument "extra"/);
    expect(loadError(['--port']).message).toMatch(/--port needs a value/);
  });

  it('with a bad port, throws naming key, value and source', () => {
    expect(loadError(['--port', '70000']).message).toBe('port from flag --port: "70000" must be an integer between 1 and 65535');
    expect(loadError([], { ROOMKIT_RTC_PORT: '12abc' }).message).toBe('rtcPort from env ROOMKIT_RTC_PORT: "12abc" is not a whole number');
    expect(loadError(['--port', '0']).message).toMatch(/between 1 and 65535/);
    expect(loadError(['--port=-5']).message).toMatch(/not a whole number/);
    expect(loadError(['--port', '1.5']).message).toMatch(/not a whole number/);
    const path = writeConfig('j.json', '{"rtcPort": 0}');
    expect(loadError(['--config', path]).message).toMatch(/rtcPort must be an integer between 1 and 65535 \(got 0\)/);
  });

  it('with a bad IP, throws naming key, value and source', () => {
    const err = loadError([], { ROOMKIT_ANNOUNCED_IP: 'example.com' });
    expect(err.message).toMatch(/^announcedIp from env ROOMKIT_ANNOUNCED_IP: "example.com" must be a valid IPv4 or IPv6/);
    expect(loadError(['--bind', '1.2.3.256']).message).toMatch(/bind from flag --bind/);
    expect(loadError(['--announced-ip', '0.0.0.0']).message).toMatch(/must be an address clients can reach/);
  });

  it('webhookUrl is unset by default and comes from the file, ROOMKIT_WEBHOOK_URL or --webhook-url', () => {
    expect(load().webhookUrl).toBeUndefined();
    const path = writeConfig('w.json', '{"webhookUrl": "https://hooks.example.com/a"}');
    expect(load(['--config', path]).webhookUrl).toBe('https://hooks.example.com/a');
    const env = { ROOMKIT_CONFIG: path, ROOMKIT_WEBHOOK_URL: 'http://127.0.0.1:9000/b' };
    expect(load([], env).webhookUrl).toBe('http://127.0.0.1:9000/b');
    expect(load(['--webhook-url', 'https://c.example/'], env).webhookUrl).toBe('https://c.example/');
  });

  it('with a webhookUrl that is not an http(s) URL, throws naming key, value and source', () => {
    expect(loadError(['--webhook-url', 'ftp://x.example/']).message).toBe(
      'webhookUrl from flag --webhook-url: "ftp://x.example/" must be an absolute http:// or https:// URL',
    );
    expect(loadError([], { ROOMKIT_WEBHOOK_URL: 'not a url' }).message).toMatch(/^webhookUrl from env ROOMKIT_WEBHOOK_URL/);
    const path = writeConfig('w2.json', '{"webhookUrl": 5}');
    expect(loadError(['--config', path]).message).toMatch(/webhookUrl must be a string/);
  });

  it("mediaWorkers is 'auto' by default and takes a count from the file, ROOMKIT_MEDIA_WORKERS or --media-workers", () => {
    expect(load().mediaWorkers).toBe('auto');
    expect(load(['--media-workers', '0']).mediaWorkers).toBe(0);
    expect(load([], { ROOMKIT_MEDIA_WORKERS: '3' }).mediaWorkers).toBe(3);
    expect(() => load(['--media-workers', 'many'])).toThrow(/mediaWorkers from flag --media-workers: "many"/);
    expect(() => load(['--media-workers', '100'])).toThrow(/0 to 64/);
  });

  it('mediaWorkerRoomCapacity is 200 by default and comes from the file, ROOMKIT_MEDIA_WORKER_ROOM_CAPACITY or --media-worker-room-capacity', () => {
    expect(load().mediaWorkerRoomCapacity).toBe(200);
    expect(load(['--media-worker-room-capacity', '50']).mediaWorkerRoomCapacity).toBe(50);
    expect(load([], { ROOMKIT_MEDIA_WORKER_ROOM_CAPACITY: '8' }).mediaWorkerRoomCapacity).toBe(8);
    expect(load(['--config', writeConfig('cap.json', '{"mediaWorkerRoomCapacity": 3}')]).mediaWorkerRoomCapacity).toBe(3);
    expect(() => load(['--media-worker-room-capacity', '-1'])).toThrow(/mediaWorkerRoomCapacity/);
  });

  it('mediaMaxLatenessMs comes from the file only, both kinds, 0 or more', () => {
    expect(load().mediaMaxLatenessMs).toBeUndefined();
    expect(load(['--config', writeConfig('late.json', '{"mediaMaxLatenessMs": {"video": 0, "audio": 1500}}')]).mediaMaxLatenessMs).toEqual({ video: 0, audio: 1500 });
    expect(loadError(['--config', writeConfig('late2.json', '{"mediaMaxLatenessMs": {"video": -5, "audio": 1000}}')]).message).toMatch(/mediaMaxLatenessMs\.video/);
    expect(loadError(['--config', writeConfig('late3.json', '{"mediaMaxLatenessMs": {"video": 400}}')]).message).toMatch(/mediaMaxLatenessMs\.audio/);
  });

  it('reconnectGraceSeconds is 20 by default and comes from the file, ROOMKIT_RECONNECT_GRACE_SECONDS or --reconnect-grace-seconds', () => {
    expect(load().reconnectGraceSeconds).toBe(20);
    const path = writeConfig('g.json', '{"reconnectGraceSeconds": 5}');
    expect(load(['--config', path]).reconnectGraceSeconds).toBe(5);
    const env = { ROOMKIT_CONFIG: path, ROOMKIT_RECONNECT_GRACE_SECONDS: '0' };
    expect(load([], env).reconnectGraceSeconds).toBe(0);
    expect(load(['--reconnect-grace-seconds', '45'], env).reconnectGraceSeconds).toBe(45);
    expect(loadError(['--reconnect-grace-seconds', '4000']).message).toBe(
      'reconnectGraceSeconds from flag --reconnect-grace-seconds: "4000" must be a whole number of seconds from 0 to 3600',
    );
    expect(loadError([], { ROOMKIT_RECONNECT_GRACE_SECONDS: '2.5' }).message).toMatch(/not a whole number/);
  });

  it('qualitySampleSeconds (5) and qualityRetentionDays (30) come from the file, env or flags; out-of-range values are refused naming them', () => {
    expect(load().qualitySampleSeconds).toBe(5);
    expect(load().qualityRetentionDays).toBe(30);
    const path = writeConfig('q.json', '{"qualitySampleSeconds": 10, "qualityRetentionDays": 7}');
    expect(load(['--config', path])).toMatchObject({ qualitySampleSeconds: 10, qualityRetentionDays: 7 });
    expect(load([], { ROOMKIT_QUALITY_SAMPLE_SECONDS: '0', ROOMKIT_QUALITY_RETENTION_DAYS: '90' })).toMatchObject({ qualitySampleSeconds: 0, qualityRetentionDays: 90 });
    expect(load(['--quality-sample-seconds', '2', '--quality-retention-days', '1'])).toMatchObject({ qualitySampleSeconds: 2, qualityRetentionDays: 1 });
    expect(loadError(['--quality-sample-seconds', '301']).message).toMatch(/qualitySampleSeconds.*from 0 to 300/);
    expect(load([], { ROOMKIT_DASHBOARD_PASSWORD: 'twelve chars' })).toMatchObject({ dashboardPassword: 'twelve chars' });
    expect(loadError(['--dashboard-password', 'short']).message).toMatch(/dashboardPassword.*at least 12/);
    expect(loadError([], { ROOMKIT_QUALITY_RETENTION_DAYS: '0' }).message).toMatch(/qualityRetentionDays.*from 1 to 3650/);
  });

  it('with a bad log level, lists the allowed ones', () => {
    expect(loadError(['--log-level', 'loud']).message).toMatch(/must be one of fatal, error, warn, info/);
  });
});

describe('stripJsonComments', () => {
  it('keeps comment markers inside strings, including after escaped quotes', () => {
    const text = '{"a": "x\\" // y", "b": "/* z */"} // tail';
    expect(JSON.parse(stripJsonComments(text))).toEqual({ a: 'x" // y', b: '/* z */' });
  });
});

describe('roomkit.config.sample.jsonc', () => {
  it('loads and equals the defaults', () => {
    const sample = new URL('../../../../roomkit.config.sample.jsonc', import.meta.url).pathname;
    expect(loadConfig({ argv: ['--config', sample], env: {}, cwd: dir })).toEqual(load());
  });
});
