// deploy/systemd/roomkit.service as the README promises it: hardened, restarting on failure,
// settings from an env file, writable only in the data dir; and systemd itself accepts it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const UNIT = fileURLToPath(new URL('../../../deploy/systemd/roomkit.service', import.meta.url));

/** `Key=value` lines of the [Service] section. */
async function serviceSection(): Promise<Map<string, string[]>> {
  const text = await readFile(UNIT, 'utf8');
  const section = text.split(/^\[/m).find((s) => s.startsWith('Service]'))!;
  const out = new Map<string, string[]>();
  for (const line of section.split('\n').slice(1)) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

describe('deploy/systemd/roomkit.service', () => {
  it('runs as a dedicated user, hardened, with the data dir the only writable path and an env file', async () => {
    const s = await serviceSection();
    expect(s.get('User')).toEqual(['roomkit']);
    expect(s.get('NoNewPrivileges')).toEqual(['true']);
    expect(s.get('ProtectSystem')).toEqual(['strict']);
    expect(s.get('ReadWritePaths')).toEqual(['/var/lib/roomkit']);
    expect(s.get('Restart')).toEqual(['on-failure']);
    expect(s.get('EnvironmentFile')).toEqual(['/etc/roomkit/roomkit.env']);
    expect(s.get('Environment')).toContain('ROOMKIT_DATA_DIR=/var/lib/roomkit');
    expect(s.get('ExecStart')![0]).toMatch(/roomkit\.mjs start$/);
  });

  it.skipIf(!existsSync('/usr/bin/systemd-analyze'))('passes systemd-analyze verify', async () => {
    const { stderr } = await promisify(execFile)('systemd-analyze', ['verify', UNIT]).catch((err) => err);
    // Paths that only exist once installed (/opt/roomkit, the env file) are not what it checks here.
    expect(stderr.split('\n').filter((l: string) => l && !/Command .* is not executable|No such file|not found/.test(l))).toEqual([]);
  });
});
