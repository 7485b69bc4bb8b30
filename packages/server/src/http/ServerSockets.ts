// Every socket the HTTP server accepted, plain or upgraded (WebSockets, a request that never ends):
// shutdown gives them a short grace to finish, then destroys the rest, so a slow client cannot hold
// the process open.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export class ServerSockets {
  private readonly sockets = new Set<Socket>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get size(): number {
    return this.sockets.size;
  }

  /** Waits up to `graceMs` for the sockets to close by themselves, then destroys those left. */
  async closeAll(graceMs: number): Promise<void> {
    if (this.sockets.size === 0) return;
    const deadline = Date.now() + graceMs;
    while (this.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
