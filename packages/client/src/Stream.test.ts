import { describe, expect, it } from 'vitest';
import { Stream } from './Stream.js';

const track = { id: 't', kind: 'video', readyState: 'live', enabled: true } as unknown as MediaStreamTrack;
const pauser = { setPaused: async () => {}, changed: () => {} };

describe('Stream events', () => {
  it("a remote video announces 'state' active/ended; a local stream never does", () => {
    const remote = new Stream('s1', 'video', 'VP8', track, pauser);
    const local = new Stream('s2', 'video', 'VP8', track);
    const seen: string[] = [];
    remote.on('state', ({ state }) => seen.push(`remote ${state}`));
    local.on('state', ({ state }) => seen.push(`local ${state}`));
    for (const s of [remote, local]) {
      s._state('active');
      s._state('ended');
    }
    expect(seen).toEqual(['remote active', 'remote ended']);
  });

  it("any event but 'state' is ERROR_INVALID_PARAMETER (3073), as in js-sdk 1.1", () => {
    const s = new Stream('s1', 'audio', 'opus', track, pauser);
    expect(() => s.on('frozen' as never, () => {})).toThrow(expect.objectContaining({ code: 3073 }));
    expect(() => s.off('frozen' as never, () => {})).toThrow(expect.objectContaining({ code: 3073 }));
  });
});
