// Accepts signaling WebSockets on SIGNALING_PATH and gives each its SignalingConnection.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { SIGNALING_PATH } from '@roomkit/protocol';
import type { RoomManager } from '../rooms/RoomManager.js';
import type { TokenContext } from '../auth/verifyJoinToken.js';
import { logger } from '../logger.js';
import type { EgressControl } from '../egress/types.js';
import { SignalingConnection, type SignalingLimits } from './SignalingConnection.js';

/** Frames above this are cut off by the socket layer itself (close 1009); below it we answer. */
const HARD_FRAME_LIMIT_BYTES = 1024 * 1024;

export class SignalingServer {
  private readonly wss: WebSocketServer;
  private readonly log = logger('signaling');

  constructor(
    httpServer: Server,
    private readonly rooms: RoomManager,
    private readonly auth: TokenContext,
    private readonly limits: SignalingLimits,
    private readonly egress?: EgressControl,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(HARD_FRAME_LIMIT_BYTES, limits.maxMessageBytes * 2) });
    httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (req.url ?? '').split('?')[0];
      if (path !== SIGNALING_PATH) {
        if (path.startsWith('/egress/')) return; // the egress ingest has its own upgrade handler
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        new SignalingConnection(ws, this.rooms, this.auth, this.limits, this.log, this.egress);
      });
    });
  }

  get connectionCount(): number {
    return this.wss.clients.size;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
