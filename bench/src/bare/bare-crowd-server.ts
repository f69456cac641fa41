/**
 * The crowd baseline: a bare Socket.IO 4.8 server doing only the wire work of a crowded sector, as
 * its own process started by the bench. The bench's wire bots cannot tell it from Perihelion: the
 * same session request, `/game` and `/chat` namespaces, join answer, ping acknowledgements, and at
 * TICK_RATE a tick that sends each player its snapshots at SNAPSHOT_RATE, every one SNAPSHOT_BYTES
 * long (the size Perihelion sent in the same run) and acknowledging the player's last input. There
 * is no simulation, interest management, delta encoding, validation, presence or storage: what is
 * left is the floor of Socket.IO plus the kernel on this machine for this traffic. Transport
 * settings are the Perihelion server's (parser, heartbeat, size cap). Configured by the
 * environment: PORT, PING_INTERVAL_MS, PING_TIMEOUT_MS, TICK_RATE, SNAPSHOT_RATE, SNAPSHOT_BYTES.
 *
 *   GET /healthz        200 when listening
 *   POST /api/session   a token that is never checked
 */
import { createServer } from 'node:http';
import {
  ByteWriter,
  CHAT_NAMESPACE,
  decodeInput,
  EntityColumns,
  encodeSnapshotSelection,
  GAME_NAMESPACE,
  type JoinAccepted,
  SESSION_PATH,
} from '@perihelion/protocol';
import type { Socket } from 'socket.io';
import { bareSocketServer, json, listenUntilStopped, requireEnv } from './bare-common.js';

const env = requireEnv('bare-crowd-server', ['TICK_RATE', 'SNAPSHOT_RATE', 'SNAPSHOT_BYTES']);
const tickRate = env.TICK_RATE;
const snapshotRate = env.SNAPSHOT_RATE;
const snapshotBytes = env.SNAPSHOT_BYTES;

interface Member {
  socket: Socket;
  lastSeq: number;
  snapshotId: number;
  clock: number;
}

const members = new Map<string, Member>();
let tick = 0;
let joined = 0;
const header = new ByteWriter(64);

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') return json(res, 200, { status: 'ok' });
  if (req.method === 'POST' && req.url === SESSION_PATH) {
    req.resume();
    req.on('end', () => json(res, 200, { accessToken: 'bare' }));
    return;
  }
  json(res, 404, { error: 'not found' });
});

const io = bareSocketServer(http, env);

io.of(GAME_NAMESPACE).on('connection', (socket) => {
  socket.on('join', (req: { sector?: string }, ack: (res: JoinAccepted) => void) => {
    const n = ++joined;
    members.set(socket.id, { socket, lastSeq: 0, snapshotId: 0, clock: (n * 0.618_033_988_75) % 1 });
    ack({
      ok: true,
      playerId: `p${n}`,
      name: `bot ${n}`,
      sector: req?.sector ?? 'bench',
      handle: n,
      tickRate,
      snapshotRate,
      lastInputSeq: 0,
      own: [0, 0, 0, 0, 0],
      serverTime: Date.now(),
      leaveToken: 'bare',
      roster: [],
    });
  });
  socket.on('i', (bytes: unknown) => {
    const step = bytes instanceof Uint8Array ? decodeInput(bytes) : null;
    const member = members.get(socket.id);
    if (step && member) member.lastSeq = step[0];
  });
  socket.on('ping', (t: number, ack: (pong: unknown) => void) => ack({ t, tick }));
  socket.on('disconnect', () => members.delete(socket.id));
});

io.of(CHAT_NAMESPACE).on('connection', (socket) => {
  socket.emit('channels', { channels: [{ name: 'global', kind: 'public' }] });
  socket.on('channel:subscribe', (_req: unknown, ack?: (res: unknown) => void) => ack?.({ ok: true }));
});

/** No entities, built once: the floor does no per-snapshot work beyond the header and the send. */
const NOTHING = { table: new EntityColumns(), rows: new Int32Array(0), count: 0 };

/** One snapshot: a real header (what the bots read) padded to the size Perihelion sent. */
function snapshotFor(member: Member): Uint8Array {
  encodeSnapshotSelection(
    header,
    { id: ++member.snapshotId, tick, ackSeq: member.lastSeq, own: null },
    NOTHING,
    null,
  );
  const head = header.written();
  const frame = new Uint8Array(Math.max(snapshotBytes, head.length));
  frame.set(head, 0);
  return frame;
}

const perTick = snapshotRate / tickRate;
setInterval(() => {
  tick++;
  for (const member of members.values()) {
    member.clock += perTick;
    if (member.clock < 1) continue;
    member.clock -= 1;
    member.socket.emit('s', snapshotFor(member));
  }
}, 1000 / tickRate);

listenUntilStopped(http, io, env.PORT);
