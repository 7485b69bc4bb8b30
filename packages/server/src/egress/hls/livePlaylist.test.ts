import { describe, expect, it } from 'vitest';
import { livePlaylistFrom, parsePlaylist } from './livePlaylist.js';

const dvr = (count: number, ended = false) =>
  [
    '#EXTM3U',
    '#EXT-X-VERSION:6',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:EVENT',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    ...Array.from({ length: count }, (_, i) => [
      '#EXTINF:2.000000,',
      `#EXT-X-PROGRAM-DATE-TIME:2026-11-25T08:52:${String(10 + 2 * i).padStart(2, '0')}.000+0000`,
      `seg_${String(i).padStart(5, '0')}.ts`,
    ]).flat(),
    ...(ended ? ['#EXT-X-ENDLIST'] : []),
  ].join('\n') + '\n';

describe('livePlaylistFrom', () => {
  it('keeps the last N segments with their program date times and the right media sequence', () => {
    const { text, segmentCount } = livePlaylistFrom(dvr(10), 4);
    expect(segmentCount).toBe(10);
    const live = parsePlaylist(text);
    expect(live.mediaSequence).toBe(6);
    expect(live.segments.map((s) => s.at(-1))).toEqual(['seg_00006.ts', 'seg_00007.ts', 'seg_00008.ts', 'seg_00009.ts']);
    expect(live.segments[0]).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-11-25T08:52:22.000+0000');
    expect(text).not.toContain('PLAYLIST-TYPE');
    expect(text).toContain('#EXT-X-TARGETDURATION:2');
    expect(live.ended).toBe(false);
  });

  it('keeps everything while the DVR playlist is shorter than the window, and carries ENDLIST', () => {
    const { text, segmentCount } = livePlaylistFrom(dvr(2, true), 6);
    expect(segmentCount).toBe(2);
    const live = parsePlaylist(text);
    expect(live.mediaSequence).toBe(0);
    expect(live.segments).toHaveLength(2);
    expect(live.ended).toBe(true);
  });

  it('gives an empty but valid playlist before the first segment', () => {
    const { text, segmentCount } = livePlaylistFrom('#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n', 6);
    expect(segmentCount).toBe(0);
    expect(text.startsWith('#EXTM3U\n')).toBe(true);
  });
});
