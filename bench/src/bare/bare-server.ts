/**
 * The baseline: a bare Socket.IO 4.8 server, started by the bench as its own process. It does the
 * least a chat server must: one namespace (`/chat`, so the bots are the same), every socket joins
 * one room when it subscribes, and a publish is one `to(room).emit` of a message shaped like
 * Perihelion's. No sessions, no storage, no presence, no validation. Transport settings are the
 * Perihelion server's (same parser, heartbeat, size cap). Configured by the environment:
 * PORT, PING_INTERVAL_MS, PING_TIMEOUT_MS.
 *
 *   GET /healthz   200 when listening
 *   POST /emit     {text, data?}: one `channel:messages` to the room, answered 201 {offset, at}
 */
import { createServer, type IncomingMessage } from 'node:http';
import { CHAT_NAMESPACE, type ChannelMessages } from '@perihelion/protocol';
import { bareSocketServer, json, listenUntilStopped, requireEnv } from './bare-common.js';

const ROOM = 'global';
const MAX_BODY = 4096;

const env = requireEnv('bare-server');

let offset = 0;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/emit') {
    readBody(req).then(
      (raw) => {
        const { text, data } = JSON.parse(raw) as { text: string; data?: Record<string, unknown> };
        const at = Date.now();
        const batch: ChannelMessages = {
          channel: ROOM,
          messages: [{ offset: ++offset, sender: { id: 'system', name: 'Server' }, text, data, at }],
        };
        chat.to(ROOM).emit('channel:messages', batch);
        json(res, 201, { channel: ROOM, offset, at });
      },
      () => json(res, 400, { error: 'bad body' }),
    );
    return;
  }
  json(res, 404, { error: 'not found' });
});

const io = bareSocketServer(http, env);
const chat = io.of(CHAT_NAMESPACE);
chat.on('connection', (socket) => {
  socket.on('channel:subscribe', (req: { channel?: unknown }, ack?: (res: unknown) => void) => {
    void socket.join(ROOM);
    if (typeof ack === 'function') ack({ ok: true, channel: req?.channel ?? ROOM });
  });
});

listenUntilStopped(http, io, env.PORT);
