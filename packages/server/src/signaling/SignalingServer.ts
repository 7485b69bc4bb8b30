// Accepts signaling WebSockets on SIGNALING_PATH and gives each its SignalingConnection; caps the
// sockets that have not joined yet and closes those that do not join in time.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode, SIGNALING_PATH } from '@roomkit/protocol';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import { logger } from '../logger.js';
import type { EgressControl } from '../egress/types.js';
import { SignalingConnection, type SignalingLimits } from './SignalingConnection.js';
import { refuseUpgrade } from './refuseUpgrade.js';
import { UnjoinedSockets, addressKey } from './UnjoinedSockets.js';
import { clientAddress, type TrustFn } from '../net/proxyTrust.js';

/**
 * WebSocket pings this often; a socket that has not answered the previous one is terminated, so a
 * client that vanished (network gone, no FIN) starts its reconnect grace within 2 intervals.
 */
const HEARTBEAT_MS = 5_000;

/** Frames above this are cut off by the socket layer itself (close 1009); below it we answer. */
const HARD_FRAME_LIMIT_BYTES = 1024 * 1024;

export interface SignalingServerLimits extends SignalingLimits {
  joinTimeoutSeconds: number;
  unjoinedSocketsPerAddress: number;
  unjoinedSockets: number;
}

export class SignalingServer {
  private readonly wss: WebSocketServer;
  private readonly log = logger('signaling');
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly unjoined: UnjoinedSockets;
  private lastFullWarningMs = 0;

  constructor(
    private readonly rooms: RoomManager,
    private readonly auth: TokenContext,
    private readonly limits: SignalingServerLimits,
    private readonly egress?: EgressControl,
    /** Config `trustProxy`: whose X-Forwarded-For names the client per-address limits count. */
    private readonly trustProxy: TrustFn = () => false,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(HARD_FRAME_LIMIT_BYTES, limits.maxMessageBytes * 2) });
    this.unjoined = new UnjoinedSockets({ perAddress: limits.unjoinedSocketsPerAddress, total: limits.unjoinedSockets });
    this.heartbeat = setInterval(() => {
      for (const ws of this.wss.clients) {
        if (this.unanswered.has(ws)) {
          ws.terminate();
          continue;
        }
        this.unanswered.add(ws);
        ws.ping();
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Takes upgrades to SIGNALING_PATH (see http/UpgradeRouter); false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== SIGNALING_PATH) return false;
    // A stranger needs no token to hold a socket open: those not joined yet are capped, and each
    // must join within joinTimeoutSeconds.
    const key = addressKey(clientAddress(req, this.trustProxy));
    const admission = this.unjoined.admit(key);
    if (admission !== 'ok') {
      const [status, reason, message] =
        admission === 'server'
          ? [503, 'Service Unavailable', `the server has ${this.limits.unjoinedSockets} signaling connections waiting to join; try again shortly`]
          : [429, 'Too Many Requests', `your address has ${this.limits.unjoinedSocketsPerAddress} signaling connections waiting to join; join on them or close them first`];
      const now = Date.now();
      if (admission === 'server' && now - this.lastFullWarningMs > 60_000) {
        this.lastFullWarningMs = now;
        this.log.warn({ unjoined: this.unjoined.size }, `refusing signaling connections: ${this.limits.unjoinedSockets} are open without having joined (limits.unjoinedSockets)`);
      } else this.log.debug({ key, admission }, 'signaling upgrade refused');
      refuseUpgrade(socket, status, reason, { statusCode: status, error: { code: ErrorCode.RATE_LIMITED, message } });
      return true;
    }
    let connection: SignalingConnection | undefined;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.unjoined.release(key);
    };
    let deadline: NodeJS.Timeout | null = null;
    const arm = () => {
      if (deadline) clearTimeout(deadline);
      deadline = setTimeout(() => {
        release();
        connection?.expire(`no join within ${this.limits.joinTimeoutSeconds} s`);
        if (!connection) socket.destroy();
      }, this.limits.joinTimeoutSeconds * 1000);
      deadline.unref();
    };
    const authenticated = () => {
      release();
      if (deadline) clearTimeout(deadline);
      deadline = null;
    };
    arm();
    socket.once('close', () => authenticated());
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const alive = () => this.unanswered.delete(ws);
      ws.on('pong', alive);
      ws.on('message', alive);
      connection = new SignalingConnection(ws, this.rooms, this.auth, this.limits, this.log, this.egress, { clientKey: key, authenticated, joinFailed: arm });
    });
    return true;
  }

  get connectionCount(): number {
    return this.wss.clients.size;
  }

  /** Sockets open but not joined yet. */
  get unjoinedCount(): number {
    return this.unjoined.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
