// The live-edge playlist (`live.m3u8`) derived from the DVR playlist ffmpeg writes (`index.m3u8`):
// the same segment files, only the last few, with the media sequence number of the first one kept.
// One encode and one set of segments serve both playlists.

export interface ParsedPlaylist {
  /** Tags before the first segment (without MEDIA-SEQUENCE and PLAYLIST-TYPE). */
  header: string[];
  mediaSequence: number;
  /** Each segment's lines (EXTINF, PROGRAM-DATE-TIME, DISCONTINUITY, ..., then its URI). */
  segments: string[][];
  ended: boolean;
}

export function parsePlaylist(text: string): ParsedPlaylist {
  const header: string[] = [];
  const segments: string[][] = [];
  let mediaSequence = 0;
  let ended = false;
  let pending: string[] = [];
  let inSegments = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      mediaSequence = Number(line.slice('#EXT-X-MEDIA-SEQUENCE:'.length)) || 0;
    } else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:')) {
      // live.m3u8 is a sliding window, so it is neither EVENT nor VOD.
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (line.startsWith('#EXTINF:') || line.startsWith('#EXT-X-PROGRAM-DATE-TIME:') || line === '#EXT-X-DISCONTINUITY') {
      inSegments = true;
      pending.push(line);
    } else if (!line.startsWith('#')) {
      segments.push([...pending, line]);
      pending = [];
      inSegments = true;
    } else if (!inSegments) {
      header.push(line);
    } else {
      pending.push(line);
    }
  }
  return { header, mediaSequence, segments, ended };
}

/** The last `windowSize` segments of the DVR playlist as a sliding-window live playlist. */
export function livePlaylistFrom(dvrText: string, windowSize: number): { text: string; segmentCount: number } {
  const dvr = parsePlaylist(dvrText);
  const first = Math.max(0, dvr.segments.length - windowSize);
  const kept = dvr.segments.slice(first);
  const header = dvr.header.length > 0 ? dvr.header : ['#EXTM3U'];
  const lines = [...header, `#EXT-X-MEDIA-SEQUENCE:${dvr.mediaSequence + first}`];
  for (const segment of kept) lines.push(...segment);
  if (dvr.ended) lines.push('#EXT-X-ENDLIST');
  return { text: `${lines.join('\n')}\n`, segmentCount: dvr.segments.length };
}
