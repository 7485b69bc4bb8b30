// @roomkit/react exports every runtime name @videosdk.live/react-sdk 1.1.1 declares (read from its
// index.d.ts, so a new VideoSDK export shows up here), and what it adds is only what README lists.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as roomkitReact from '../src/index.js';

const require = createRequire(import.meta.url);
const declarations = readFileSync(join(dirname(require.resolve('@videosdk.live/react-sdk/package.json')), 'dist/types/index.d.ts'), 'utf8');

/** Runtime names of the .d.ts: `export function|class|const X` and `export { A, B }` (types excluded). */
function declaredRuntimeExports(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/^export (?:declare )?(?:function|class|const|let|var) (\w+)/gm)) names.add(m[1]!);
  for (const m of source.matchAll(/^export \{([^}]+)\}/gm)) {
    for (const part of m[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop();
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** What @roomkit/react exports beyond VideoSDK's list (README: "Added"). */
const ADDED = ['RoomkitError'];

describe('@roomkit/react exports', () => {
  const declared = declaredRuntimeExports(declarations);

  it("reading VideoSDK's index.d.ts finds its components, hooks and helpers", () => {
    expect(declared).toEqual(expect.arrayContaining(['MeetingProvider', 'useMeeting', 'useParticipant', 'usePubSub', 'VideoPlayer', 'Constants', 'DeviceInfo']));
    expect(declared.length).toBeGreaterThan(20);
  });

  it('exports every runtime name VideoSDK declares, each defined', () => {
    const ours = roomkitReact as Record<string, unknown>;
    const missing = declared.filter((name) => ours[name] === undefined);
    expect(missing).toEqual([]);
  });

  it('adds nothing beyond the names README lists as added', () => {
    const extra = Object.keys(roomkitReact).filter((name) => !declared.includes(name)).sort();
    expect(extra).toEqual(ADDED);
  });

  it('components and hooks are functions, Constants carries the error codes and modes', () => {
    for (const name of declared.filter((n) => /^(use|Meeting|VideoPlayer|AudioPlayer|create|with|set|run)/.test(n))) {
      expect(typeof (roomkitReact as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(roomkitReact.Constants.errors.ERROR_ACTION_NOT_SUPPORTED).toBe(3068);
    expect(roomkitReact.Constants.modes.SEND_AND_RECV).toBe('SEND_AND_RECV');
  });
});
