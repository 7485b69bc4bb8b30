// The message-passing boundary between rooms and media: every command and event is a plain,
// structured-cloneable object, so the engine can move onto worker threads without callers changing.

export type MediaKind = 'audio' | 'video';
/** Simulcast layer index: 0 = lowest resolution. */
export type LayerIndex = 0 | 1 | 2;

export type MediaCommand =
  | { op: 'createRouter'; routerId: string }
  | { op: 'closeRouter'; routerId: string }
  /** A publisher transport: one PeerConnection receiving one track, offered by the client. */
  | {
      op: 'createPublisher';
      routerId: string;
      transportId: string;
      kind: MediaKind;
      offerSdp: string;
      simulcast: boolean;
      /** Who publishes it (opaque to media): lets the allocator favour the active speaker's camera. */
      group?: string;
    }
  /** A subscriber transport: one PeerConnection, offered by the server, sending to the client. */
  | { op: 'createSubscriber'; routerId: string; transportId: string }
  | { op: 'subscriberAnswer'; transportId: string; answerSdp: string }
  | { op: 'closeTransport'; transportId: string }
  /** Start forwarding producer → subscriber; resolves after the offer carrying its mid was emitted. */
  | { op: 'consume'; subscriberId: string; producerId: string; consumerId: string }
  | { op: 'closeConsumer'; consumerId: string }
  | { op: 'setConsumerLayer'; consumerId: string; layer: LayerIndex }
  /** Stop forwarding a stream to its subscriber without tearing it down (stream.pause()). */
  | { op: 'setConsumerPaused'; consumerId: string; paused: boolean }
  /**
   * A plain-RTP tap: forwards one stream of this router as RTP over UDP to 127.0.0.1:`port` (a
   * local recorder), with `payloadType` and continuous numbering whatever its source. Starts idle.
   */
  /** `maxLayer`: the highest simulcast layer the tap forwards (a small composite tile needs no more); default 2. */
  | { op: 'createRtpTap'; routerId: string; tapId: string; kind: MediaKind; port: number; payloadType: number; maxLayer?: LayerIndex }
  /** What the tap forwards from now on (from the next keyframe, which is asked for); null: nothing. */
  | { op: 'setRtpTapSource'; tapId: string; producerId: string | null }
  | { op: 'closeRtpTap'; tapId: string }
  | { op: 'stats' }
  /** Cumulative reception and delivery figures of every publisher and subscriber (all workers). */
  | { op: 'quality' };

export interface MediaResults {
  createRouter: Record<string, never>;
  closeRouter: Record<string, never>;
  createPublisher: { answerSdp: string; producerId: string };
  createSubscriber: Record<string, never>;
  subscriberAnswer: Record<string, never>;
  closeTransport: Record<string, never>;
  consume: { mid: string };
  closeConsumer: Record<string, never>;
  setConsumerLayer: Record<string, never>;
  setConsumerPaused: Record<string, never>;
  createRtpTap: { ssrc: number };
  setRtpTapSource: Record<string, never>;
  closeRtpTap: Record<string, never>;
  stats: MediaStats;
  quality: QualityReport;
}

/**
 * What the server saw of one published track since it started (its layers summed): cumulative,
 * so a reader takes differences between two reads. Relay copies (rooms spanning workers) are left out.
 */
export interface ProducerQuality {
  producerId: string;
  kind: MediaKind;
  /** Packets the sequence numbers say were sent, those that arrived, and those that arrived late (retransmissions). */
  packetsExpected: number;
  packetsReceived: number;
  packetsLate: number;
  bytesReceived: number;
  /** RFC 3550 interarrival jitter (ms), the highest of its layers. */
  jitterMs: number;
}

/** One outgoing stream of a subscriber transport, with the subscriber's last receiver report about it. */
export interface SubscriberSlotQuality {
  kind: MediaKind;
  /** The consumer feeding the slot now (null: idle). */
  consumerId: string | null;
  packetsSent: number;
  bytesSent: number;
  /** Receiver reports received so far (0: the figures below are not known). */
  reports: number;
  /** 0..1, over the subscriber's last report interval. */
  fractionLost: number;
  jitterMs: number;
  /** -1 until the subscriber answered one of our sender reports. */
  rttMs: number;
}

export interface SubscriberQuality {
  transportId: string;
  slots: SubscriberSlotQuality[];
}

export interface QualityReport {
  producers: ProducerQuality[];
  subscribers: SubscriberQuality[];
}

export type MediaCommandOf<Op extends MediaCommand['op']> = Extract<MediaCommand, { op: Op }>;

export interface MediaStats {
  routers: number;
  transports: number;
  producers: number;
  consumers: number;
  packetsIn: number;
  packetsOut: number;
  sendErrors: number;
  /** Video starts, switches and resumes served by replaying a recent keyframe (fast start) instead of waiting for one. */
  fastStarts: number;
  /** Incoming packets shed because they reached the worker too late (overload; see StaleMediaGuard). */
  shedVideoPackets: number;
  shedAudioPackets: number;
  /** Highest lateness of incoming media over the last second (ms); summed over workers: the maximum. */
  latenessMs: number;
  /** The worker process's memory (bytes): resident, and the JS heap in use (summed over workers). */
  rssBytes: number;
  heapUsedBytes: number;
  /** Packets whose handling threw (counted and dropped by the packet path's exception guard). */
  packetErrors: number;
  /** Subscriber RTCP dropped by the per-subscriber caps (RTCP packets, transport-cc statuses). */
  rtcpDropped: number;
}

export type MediaEvent =
  | { ev: 'subscriberOffer'; transportId: string; offerSdp: string }
  /** A transport's ICE/DTLS connection failed or closed from the remote side. */
  | { ev: 'transportClosed'; transportId: string; reason: 'failed' | 'closed' }
  | { ev: 'transportConnected'; transportId: string }
  /** A publisher transport's first RTP packet reached the SFU. */
  | { ev: 'firstMedia'; transportId: string }
  /** The worker owning this router died: its transports are gone; the room must rebuild. */
  | { ev: 'routerLost'; routerId: string }
  /** The router's loudest audio producer changed (null: silence). */
  | { ev: 'activeSpeaker'; routerId: string; producerId: string | null }
  /** A video consumer now forwards another simulcast layer (switched at a keyframe). */
  | { ev: 'consumerLayer'; routerId: string; consumerId: string; layer: LayerIndex };

/** The seam: a local implementation today, worker threads later. */
export interface MediaEngine {
  request<Op extends MediaCommand['op']>(command: MediaCommandOf<Op>): Promise<MediaResults[Op]>;
  onEvent(listener: (event: MediaEvent) => void): void;
  close(): Promise<void>;
  /** Media worker processes live and configured (absent or configured 0: media runs in-process, always live). */
  workerHealth?(): { live: number; configured: number };
}

export interface MediaEngineOptions {
  /** Address to bind the UDP mux to. */
  bindAddress: string;
  /** The one UDP port for every peer (ICE UDP mux). */
  rtcPort: number;
  /** Address written into the ICE candidates the server hands out. */
  announcedIp: string;
  /** Log level for media worker processes (they do not read the config themselves). */
  logLevel?: string;
  /** Their log format (the config's logFormat; `auto` looks at the stdout they inherit). */
  logFormat?: 'auto' | 'json' | 'pretty';
  /** Lateness past which incoming media is shed (ms; 0 = never). Defaults: video 400, audio 1000. */
  staleMedia?: { maxVideoLatenessMs: number; maxAudioLatenessMs: number };
}
