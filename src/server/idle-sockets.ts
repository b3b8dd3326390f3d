/**
 * Connections with nothing in flight must not hold a graceful shutdown. Node's `server.close()`
 * (and fastify's `forceCloseConnections: 'idle'`) closes keep-alive connections that are idle at
 * that moment, but not (1) a connection that was opened and never sent a request (pools and
 * browsers pre-connect) nor (2) one that was busy then and goes idle later: `app.close()` would
 * wait for the headers or keep-alive timeouts, up to about a minute. This closes (1) when the app
 * starts closing and (2) as soon as its last response ends; connections with a request in flight
 * are left alone to finish within the shutdown grace.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** End a connection after its pending bytes are written; cut it if the peer does not close. */
function endSoon(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(() => socket.destroy(), 1000).unref();
}

/** Track in-flight requests per connection on `app.server`; close the idle ones on close. */
export function closeIdleConnectionsOnClose(app: FastifyInstance): void {
  const server = app.server as Server;
  /** Requests in flight per connection (0 = idle, including never used). */
  const inFlight = new Map<Socket, number>();
  let closing = false;
  // The HTTP parser of an HTTPS server works on the TLS socket (after the handshake).
  const event = 'setSecureContext' in server ? 'secureConnection' : 'connection';
  server.on(event, (socket: Socket) => {
    if (closing) return void socket.destroy();
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (inFlight.get(socket) ?? 1) - 1;
      if (!inFlight.has(socket)) return;
      inFlight.set(socket, n);
      if (closing && n === 0) endSoon(socket);
    });
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const [socket, n] of inFlight) if (n === 0) socket.destroy();
  });
}
