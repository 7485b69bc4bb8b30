// Accepts signaling WebSockets on SIGNALING_PATH and gives each its SignalingConnection.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { SIGNALING_PATH } from '@roomkit/protocol';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import { logger } from '../logger.js';
import type { EgressControl } from '../egress/types.js';
import { SignalingConnection, type SignalingLimits } from './SignalingConnection.js';

/**
 * WebSocket pings this often; a socket that has not answered the previous one is terminated, so a
 * client that vanished (network gone, no FIN) starts its reconnect grace within 2 intervals.
 */
const HEARTBEAT_MS = 5_000;

/** Frames above this are cut off by the socket layer itself (close 1009); below it we answer. */
const HARD_FRAME_LIMIT_BYTES = 1024 * 1024;

export class SignalingServer {
  private readonly wss: WebSocketServer;
  private readonly log = logger('signaling');
  private readonly unanswered = new WeakSet<WebSocket>();
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(
    httpServer: Server,
    private readonly rooms: RoomManager,
    private readonly auth: TokenContext,
    private readonly limits: SignalingLimits,
    private readonly egress?: EgressControl,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(HARD_FRAME_LIMIT_BYTES, limits.maxMessageBytes * 2) });
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
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== SIGNALING_PATH) {
        if (path.startsWith('/egress/')) return; // the egress ingest has its own upgrade handler
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        const alive = () => this.unanswered.delete(ws);
        ws.on('pong', alive);
        ws.on('message', alive);
        new SignalingConnection(ws, this.rooms, this.auth, this.limits, this.log, this.egress);
      });
    });
  }

  get connectionCount(): number {
    return this.wss.clients.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
