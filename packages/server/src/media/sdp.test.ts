import { describe, expect, it } from 'vitest';
import { EXT_AUDIO_LEVEL, EXT_RID, EXT_TRANSPORT_CC, fixSimulcastAnswer, trimPublishOffer, withAnnouncedCandidate } from './sdp.js';

const VIDEO_OFFER = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'a=rtcp-fb:96 goog-remb',
  'a=rtcp-fb:96 transport-cc',
  'a=rtcp-fb:96 nack pli',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'a=rtpmap:102 H264/90000',
  'a=fmtp:102 packetization-mode=1',
  'a=rtpmap:103 rtx/90000',
  'a=rid:q send',
  'a=rid:h send',
  'a=rid:f send',
  'a=simulcast:send q;h;f',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host',
  '',
].join('\r\n');

describe('trimPublishOffer', () => {
  it('keeps only VP8 and transport-cc, drops RTX/H264, and reports rids and extension ids', () => {
    const info = trimPublishOffer(VIDEO_OFFER, 'video');
    expect(info.payloadType).toBe(96);
    expect(info.rids).toEqual(['q', 'h', 'f']);
    expect(info.extensionIds.get(EXT_RID)).toBe(10);
    expect(info.sdp).toContain('m=video 9 UDP/TLS/RTP/SAVPF 96\r\n');
    expect(info.sdp).not.toMatch(/rtx|H264|a=fmtp:97/);
    expect(info.sdp).toContain('a=rtcp-fb:96 transport-cc\r\n');
    expect(info.extensionIds.get(EXT_TRANSPORT_CC)).toBe(4);
    expect(info.sdp).toContain('a=candidate:1 1 udp');
  });

  it('finds opus and the audio-level extension in an audio offer', () => {
    const offer = VIDEO_OFFER.replace('m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103', 'm=audio 9 UDP/TLS/RTP/SAVPF 111')
      .replace('a=rtpmap:96 VP8/90000', 'a=rtpmap:111 opus/48000/2')
      .replace('a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid', 'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level');
    const info = trimPublishOffer(offer, 'audio');
    expect(info.payloadType).toBe(111);
    expect(info.codec).toBe('opus');
    expect(info.extensionIds.get(EXT_AUDIO_LEVEL)).toBe(1);
  });

  it.each([
    ['garbage', 'v=0 garbage'],
    ['two m-lines', VIDEO_OFFER + 'm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n'],
    ['no VP8', VIDEO_OFFER.replace('VP8', 'VP9')],
  ])('rejects an offer with %s', (_label, sdp) => {
    expect(() => trimPublishOffer(sdp, 'video')).toThrow();
  });

  it('rejects an audio offer given as video', () => {
    expect(() => trimPublishOffer(VIDEO_OFFER, 'audio')).toThrow(/m=audio/);
  });
});

describe('fixSimulcastAnswer / withAnnouncedCandidate', () => {
  it('turns echoed send rids into recv', () => {
    const fixed = fixSimulcastAnswer('a=rid:q send\r\na=rid:f send\r\na=simulcast:send q;f\r\n');
    expect(fixed).toBe('a=rid:q recv\r\na=rid:f recv\r\na=simulcast:recv q;f\r\n');
  });

  it('replaces gathered candidates with the announced address on the mux port, once per m-section', () => {
    const sdp = withAnnouncedCandidate('v=0\r\nm=video 9 X 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=candidate:9 1 UDP 1 10.0.0.5 40000 typ host\r\n', '203.0.113.7', 7882);
    expect(sdp).not.toContain('10.0.0.5');
    expect(sdp.match(/a=candidate/g)).toHaveLength(1);
    expect(sdp).toContain('a=candidate:1 1 UDP 2122317823 203.0.113.7 7882 typ host');
    expect(sdp).toContain('c=IN IP4 203.0.113.7');
    expect(sdp).toContain('a=end-of-candidates');
  });
});
