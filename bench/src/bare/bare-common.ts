/**
 * What the bench's bare Socket.IO servers share: a JSON answer, a Socket.IO server with the
 * Perihelion server's transport settings (parser, heartbeat from the environment, size cap), and
 * listening until SIGTERM.
 */
import type { Server as HttpServer, ServerResponse } from 'node:http';
import { MAX_TRANSPORT_BYTES, perihelionParser } from '@perihelion/protocol';
import { Server } from 'socket.io';

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** PORT, PING_INTERVAL_MS, PING_TIMEOUT_MS and `extra` from the environment; exits when one is missing. */
export function requireEnv<K extends string = never>(
  who: string,
  extra: readonly K[] = [],
): Record<'PORT' | 'PING_INTERVAL_MS' | 'PING_TIMEOUT_MS' | K, number> {
  const names = ['PORT', 'PING_INTERVAL_MS', 'PING_TIMEOUT_MS', ...extra];
  const values = Object.fromEntries(names.map((n) => [n, Number(process.env[n])]));
  if (!Object.values(values).every((v) => v > 0)) {
    console.error(`${who}: ${names.join(', ')} must be set (the bench sets them)`);
    process.exit(2);
  }
  return values as Record<'PORT' | 'PING_INTERVAL_MS' | 'PING_TIMEOUT_MS' | K, number>;
}

export function bareSocketServer(
  http: HttpServer,
  env: { PING_INTERVAL_MS: number; PING_TIMEOUT_MS: number },
): Server {
  return new Server(http, {
    transports: ['polling', 'websocket'],
    maxHttpBufferSize: MAX_TRANSPORT_BYTES,
    pingInterval: env.PING_INTERVAL_MS,
    pingTimeout: env.PING_TIMEOUT_MS,
    serveClient: false,
    parser: perihelionParser,
  });
}

/** Listens on 127.0.0.1:port; SIGTERM closes both servers and exits. */
export function listenUntilStopped(http: HttpServer, io: Server, port: number): void {
  http.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => {
    io.close();
    http.close();
    setTimeout(() => process.exit(0), 200).unref();
  });
  // Ctrl-C reaches the whole process group; the bench decides when its children stop.
  process.on('SIGINT', () => {});
}
