// Constants must carry VideoSDK js-sdk 1.1.1's names and values: read them from its published
// declarations (a dev dependency) and compare group by group.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, LeaveReason } from './errors.js';
import { Constants } from './sdkConstants.js';

const require = createRequire(import.meta.url);
const dts = readFileSync(join(dirname(require.resolve('@videosdk.live/js-sdk/package.json')), 'constants.d.ts'), 'utf8');

/** `export enum Name { A = "a", B = 2 }` → { A: 'a', B: 2 }, comments dropped. */
function enumOf(name: string): Record<string, string | number> {
  const body = new RegExp(`export enum ${name} \\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1];
  if (!body) throw new Error(`enum ${name} not in constants.d.ts`);
  const clean = body.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const out: Record<string, string | number> = {};
  for (const m of clean.matchAll(/([A-Za-z_0-9]+)\s*=\s*(?:"([^"]*)"|(\d+))/g)) out[m[1]!] = m[2] ?? Number(m[3]);
  return out;
}

// VideoSDK.Constants key → enum name in constants.d.ts (from index.d.ts).
const GROUPS = {
  errors: 'Errors',
  recordingEvents: 'recordingEvents',
  livestreamEvents: 'livestreamEvents',
  hlsEvents: 'hlsEvents',
  transcriptionEvents: 'transcriptionEvents',
  modes: 'modes',
  permission: 'Permission',
  reliabilityMode: 'reliabilityMode',
  leaveReason: 'leaveReason',
  BitrateMode: 'BitrateMode',
  LogLevel: 'LogLevel',
  AgentState: 'AgentState',
  VideoCodec: 'VideoCodec',
  RealtimeOverflow: 'RealtimeOverflow',
} as const;

describe('Constants against @videosdk.live/js-sdk 1.1.1 constants.d.ts', () => {
  it.each(Object.entries(GROUPS))('Constants.%s has every name and value of enum %s', (key, enumName) => {
    const theirs = enumOf(enumName);
    expect(Object.keys(theirs).length).toBeGreaterThan(1);
    expect((Constants as Record<string, object>)[key]).toMatchObject(theirs);
  });

  it('adds only Roomkit-documented names beyond VideoSDK: RATE_LIMITED, the state group, nothing else', () => {
    const extraErrors = Object.keys(Constants.errors).filter((k) => !(k in enumOf('Errors')));
    expect(extraErrors).toEqual(['RATE_LIMITED']);
    const extraReasons = Object.keys(Constants.leaveReason).filter((k) => !(k in enumOf('leaveReason')));
    expect(extraReasons).toEqual([]);
    expect(Object.keys(Constants).filter((k) => !(k in GROUPS))).toEqual(['meetingStates']);
  });

  it('the codes Roomkit raises keep their numbers when merged with the unraised ones', () => {
    for (const [name, code] of Object.entries(ErrorCode)) expect(Constants.errors[name as keyof typeof ErrorCode]).toBe(code);
    for (const [name, code] of Object.entries(LeaveReason)) expect(Constants.leaveReason[name as keyof typeof LeaveReason]).toBe(code);
  });
});
