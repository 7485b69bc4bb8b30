// Commands between the main process and media workers for rooms that span workers. Internal: they
// never cross the MediaEngine seam (rooms do not know a room spans workers).
import type { ProducerParams } from '../Producer.js';

export type PipeCommand =
  /** Origin worker: send this producer's packets to the worker listening on `toPort`; answers its params. */
  | { op: 'pipeOut'; routerId: string; producerId: string; pipeId: number; toPort: number }
  /** Relay worker: a producer in its copy of the room, fed by the pipe; keyframe requests go back to `fromPort`. */
  | { op: 'pipeIn'; routerId: string; producerId: string; pipeId: number; fromPort: number; params: ProducerParams }
  | { op: 'closePipe'; pipeId: number };

export interface PipeResults {
  pipeOut: { params: ProducerParams };
  pipeIn: Record<string, never>;
  closePipe: Record<string, never>;
}

export const isPipeCommand = (c: { op: string }): c is PipeCommand => c.op === 'pipeOut' || c.op === 'pipeIn' || c.op === 'closePipe';

/** Datagram header: type(1) layer(1) seq(2) pipeId(4), then the RTP packet for RTP. */
export const PIPE_HEADER = 8;
export const enum PipeType {
  RTP = 1,
  /** A packet of `layer` with sequence number `seq` will not come (padding): close the gap. */
  SKIP = 2,
  /** Packets of `layer` were shed upstream; the next is a keyframe: restart numbering on it. */
  RESYNC = 3,
  /** Relay → origin: a subscriber needs a keyframe of `layer`. */
  KEYFRAME = 4,
}
