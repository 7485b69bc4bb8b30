// The one listener of the HTTP server's `upgrade` event: each handler claims the requests it owns
// (signaling, the egress ingest); any other upgrade is refused with a 404 and its socket closed, so
// no upgrade request is ever left hanging.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { refuseUpgrade } from '../signaling/refuseUpgrade.js';

/** Returns true when it took the request (answered it, or handed it to a WebSocket server). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;

export class UpgradeRouter {
  private readonly handlers: UpgradeHandler[] = [];

  constructor(server: Server) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      try {
        for (const handler of this.handlers) if (handler(req, socket, head)) return;
      } catch {
        return refuseUpgrade(socket, 500, 'Internal Server Error');
      }
      refuseUpgrade(socket, 404, 'Not Found');
    });
  }

  add(handler: UpgradeHandler): void {
    this.handlers.push(handler);
  }
}
