// Counters of one received stream, as apps and the load tester read them (`stream.stats`).

export interface ReceiveStats {
  /** SSRC of the media (0 before the first packet). */
  ssrc: number;
  packets: number;
  /** Whole RTP packets, headers included. */
  bytes: number;
  /** Sequence numbers never received (declared lost 500 ms after the gap was seen). */
  lost: number;
  /** Missing packets that arrived later (reordered or retransmitted). */
  recovered: number;
  duplicates: number;
  /** Packets that came as RTX (own SSRC / payload type). */
  rtxPackets: number;
  /** NACK packets sent, and the sequence numbers they asked for. */
  nacksSent: number;
  nackedPackets: number;
  plisSent: number;
  /** Keyframe starts seen (video). */
  keyframes: number;
  /** Frames whose packets all arrived, from the S bit to the marker (video). */
  framesComplete: number;
  /** Times the media SSRC changed (the server keeps one per subscription: should stay 0). */
  ssrcChanges: number;
  invalidRtp: number;
  invalidPayload: number;
  unexpectedPayloadType: number;
  /** VP8 picture ids that did not follow the previous frame's by one. */
  pictureIdJumps: number;
  /** Interarrival jitter (RFC 3550) in ms. */
  jitterMs: number;
  /** performance.now() of the subscription (consume), first packet, first decodable frame, last packet; -1 until then. */
  createdAt: number;
  firstPacketAt: number;
  firstDecodableAt: number;
  lastPacketAt: number;
}

export function emptyReceiveStats(createdAt: number): ReceiveStats {
  return {
    ssrc: 0, packets: 0, bytes: 0, lost: 0, recovered: 0, duplicates: 0, rtxPackets: 0, nacksSent: 0, nackedPackets: 0,
    plisSent: 0, keyframes: 0, framesComplete: 0, ssrcChanges: 0, invalidRtp: 0, invalidPayload: 0, unexpectedPayloadType: 0,
    pictureIdJumps: 0, jitterMs: 0, createdAt, firstPacketAt: -1, firstDecodableAt: -1, lastPacketAt: -1,
  };
}
