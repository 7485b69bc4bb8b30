// Options and results of a load run.
import type { Distribution } from './percentiles.js';

export interface LoadTestOptions {
  /** Server base URL, e.g. http://127.0.0.1:7880 */
  url: string;
  rooms: number;
  /** Publishers per room (camera + mic each, or mic only with audioOnly). */
  publishers: number;
  /** Receive-only subscribers per room. */
  subscribers: number;
  /** Seconds of measurement once everyone has joined. */
  durationSec: number;
  /** Simulcast layers per camera, 1..3 (the lowest ones; 1 = one 150 kbps stream). */
  layers: number;
  audioOnly: boolean;
  /** Token for a room (minted or fetched by the caller). */
  token(roomId: string): Promise<string>;
  /** Server process to measure; found by the URL's port when omitted (local servers only). */
  serverPid?: number;
  /** Joins in flight at once. Default 10. */
  joinConcurrency?: number;
  /** Local address for the clients' media sockets; default 127.0.0.1 for a loopback URL. */
  bindAddress?: string;
  /** Room id prefix; default `load-<random>`. */
  roomPrefix?: string;
  verbose?: boolean;
}

export interface ServerFigures {
  pid: number;
  threads: number;
  /** CPU seconds (all threads) during the measurement window, and as % of one core. */
  cpuSeconds: number;
  cpuPercent: number;
  rssBeforeKb: number;
  /** Mean RSS over the measurement window. */
  rssLoadedKb: number;
  /** Max VmRSS sampled during the run, and the kernel's lifetime peak (VmHWM). */
  rssPeakSampledKb: number;
  hwmKb: number;
  /** (mean RSS in the window − RSS before anyone joined) / subscriber connections. */
  memoryPerSubscriberKb: number;
  /** The same growth over every joined participant (publishers hold transports too). */
  memoryPerParticipantKb: number;
  /** Packets received by all clients in the window / server CPU seconds in the window. */
  forwardedPacketsPerCpuSecond: number;
}

export interface LoadTestResult {
  options: Omit<LoadTestOptions, 'token'>;
  participants: number;
  joinFailures: number;
  joinMs: Distribution;
  /** join() start → first decodable frame (video) or first packet (audio only) per remote stream. */
  firstMediaMs: Distribution;
  /**
   * Where the time to first media goes (p50 of each, ms after join() started, subscribers only):
   * signaling socket open, the server's first subscriber offer, our answer accepted, ICE+DTLS
   * connected, first packet.
   */
  firstMediaStagesMs: { socketOpen: number; offer: number; answered: number; connected: number; firstPacket: number };
  streamsWithoutMedia: number;
  windowSec: number;
  packetsOut: number;
  bitrateOutKbps: number;
  packetsIn: number;
  bitrateInKbps: number;
  lost: number;
  lossPercent: number;
  nacksSent: number;
  plisSent: number;
  /** Keyframe requests the server sent the publishers, and NACKs it sent them. */
  keyframeRequestsToPublishers: number;
  nacksToPublishers: number;
  /** Verification failures in what arrived (bad RTP, bad VP8 descriptor, SSRC change, wrong PT). */
  invalid: number;
  clientCpuPercent: number;
  server: ServerFigures | null;
  /** Verbose cross-checks: `ps` and /proc readings of the server at start and end. */
  checks: string[];
}
