// Registers the RTMP livestream and HLS kinds with the egress service, and says what happens when
// one RTMP destination fails while the others go on: an `error` (LIVESTREAM_FAILED, naming the
// destination and how many remain) to the room's participants; the state stays LIVESTREAM_STARTED.
import { ErrorCode } from '@roomkit/protocol';
import type { RoomManager } from '../rooms/RoomManager.js';
import { logger } from '../logger.js';
import type { SqliteDatabase } from '../webhooks/SqliteWebhookOutbox.js';
import type { OutboundPolicy } from '../webhooks/OutboundPolicy.js';
import type { EgressService } from './EgressService.js';
import { HlsKind } from './hls/HlsKind.js';
import { LivestreamKind } from './livestream/LivestreamKind.js';

export interface StreamingKinds {
  livestream: LivestreamKind;
  hls: HlsKind;
}

export interface StreamingKindsDeps {
  dataDir: string;
  ffmpegPath: string;
  ffprobePath: string;
  /** The server's own URL (absolute links in webhooks). */
  baseUrl(): string;
  rooms(): Pick<RoomManager, 'room'> | null;
  /** The server's database: job records survive restarts (absent: memory only). */
  db?: SqliteDatabase;
  /** HLS DVR window in seconds (0: keep all), read per job. */
  hlsDvrWindowSeconds?(): number;
  /** Where participants' RTMP destinations may point. */
  outbound: OutboundPolicy;
}

export function registerStreamingKinds(service: EgressService, deps: StreamingKindsDeps): StreamingKinds {
  const log = logger('egress:streaming');
  const livestream = new LivestreamKind({
    db: deps.db,
    outbound: deps.outbound,
    onDestinationFailed(ctx, index, destination, stillLive) {
      log.warn({ roomId: ctx.roomId, job: ctx.jobId, index, url: destination.url, error: destination.error, stillLive }, 'livestream destination failed');
      if (stillLive === 0) return; // ffmpeg exits next and the job reports LIVESTREAM_FAILED itself
      const room = deps.rooms()?.room(ctx.roomId);
      if (!room || room.sessionId !== ctx.sessionId) return;
      room.broadcast({
        t: 'error',
        error: {
          code: ErrorCode.LIVESTREAM_FAILED,
          message: `livestream destination outputs[${index}] (${destination.url}) failed: ${destination.error ?? 'unknown error'}; ${stillLive} other destination${stillLive === 1 ? '' : 's'} still live`,
        },
      });
    },
  });
  const hls = new HlsKind({
    dataDir: deps.dataDir,
    ffmpegPath: deps.ffmpegPath,
    ffprobePath: deps.ffprobePath,
    publicBaseUrl: deps.baseUrl,
    onError: (err) => log.warn({ err }, 'HLS output problem'),
    db: deps.db,
    dvrWindowSeconds: deps.hlsDvrWindowSeconds,
  });
  service.register('livestream', livestream);
  service.register('hls', hls);
  return { livestream, hls };
}
