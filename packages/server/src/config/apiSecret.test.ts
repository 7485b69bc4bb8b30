// Safe defaults (issue #14): a production server refuses to start with a guessable API secret,
// whether its config came from loadConfig (tested in loadConfig.test.ts) or from code.
import { describe, expect, it } from 'vitest';
import { startServer } from '../server.js';
import type { Config } from './schema.js';
import { ConfigError } from './errors.js';
import { checkApiSecret } from './loadConfig.js';

describe('checkApiSecret', () => {
  it.each([
    ['a 31-byte secret outside dev mode', 'x'.repeat(31), false, true],
    ['a 16-character secret of 2-byte characters (32 bytes)', 'é'.repeat(16), false, false],
    ['a 32-byte secret outside dev mode', 'x'.repeat(32), false, false],
    ['the short dev secret in dev mode', 'devsecret-change-me', true, false],
  ])('with %s: throws = %s', (_label, apiSecret, devMode, throws) => {
    const run = () => checkApiSecret({ apiSecret, devMode });
    if (throws) expect(run).toThrow(ConfigError);
    else expect(run).not.toThrow();
  });
});

describe('startServer', () => {
  it('with a production config (devMode false) and a short secret rejects naming apiSecret, before listening', async () => {
    const config = { apiKey: 'k', apiSecret: 'short', devMode: false, logLevel: 'silent', dataDir: '/nonexistent/never-created' } as Config;
    await expect(startServer(config)).rejects.toMatchObject({ name: 'ConfigError', key: 'apiSecret', message: expect.stringMatching(/at least 32 bytes/) });
  });
});
