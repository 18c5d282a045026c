import type { Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';

/** What every HTTP/2 client sends first on a cleartext connection (RFC 9113 §3.4). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** A connection that has not sent enough bytes to tell its protocol by then is dropped. */
const SNIFF_TIMEOUT_MS = 30_000;

/**
 * Serves HTTP/2 cleartext (h2c with prior knowledge, what gRPC clients speak) on the port of an
 * HTTP/1.1 server. Node cannot do both on one cleartext port by itself, so each new connection's
 * first bytes are read: the HTTP/2 preface hands the socket to `http2` (an HTTP/2 server's
 * connection handling), anything else to the HTTP/1.1 server's own. The bytes read are pushed back
 * onto the socket before the hand-over, and both servers read them as if nothing had happened.
 */
export function serveHttp2OnSamePort(server: HttpServer, http2: (socket: Socket) => void): void {
  const http1 = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');
  server.on('connection', (socket: Socket) => {
    sniff(socket, (isHttp2) => {
      if (isHttp2) {
        // As the HTTP/1.1 server does for the connections it serves (its noDelay option): small
        // answers are sent at once rather than held back by Nagle's algorithm.
        socket.setNoDelay(true);
        http2(socket);
      } else for (const listener of http1) listener.call(server, socket);
    });
  });
}

/** Reads until the first bytes either are the HTTP/2 preface or cannot be it any more. */
function sniff(socket: Socket, handOver: (isHttp2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const giveUp = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const compared = Math.min(seen.length, HTTP2_PREFACE.length);
    const isPrefix = seen.subarray(0, compared).equals(HTTP2_PREFACE.subarray(0, compared));
    if (isPrefix && seen.length < HTTP2_PREFACE.length) return;
    socket.removeListener('data', onData);
    socket.removeListener('end', giveUp);
    socket.removeListener('error', giveUp);
    socket.removeListener('timeout', giveUp);
    socket.setTimeout(0);
    socket.pause();
    socket.unshift(seen);
    handOver(isPrefix);
    // The HTTP/2 session reads the pushed-back bytes itself; HTTP/1.1 needs the flow restarted.
    if (!isPrefix) socket.resume();
  };
  socket.on('data', onData);
  // The HTTP server allows half-open sockets: one that ends before it is handed over is closed here.
  socket.once('end', giveUp);
  socket.once('error', giveUp);
  socket.setTimeout(SNIFF_TIMEOUT_MS);
  socket.once('timeout', giveUp);
}
