/**
 * The bot fleet: a child process of the bench, so the bots' work (decoding snapshots, predicting,
 * timers) never shares an event loop with the server under test. It connects the bots, flies
 * them, reports its status, and measures a window when the parent asks (see messages.ts).
 */
import { Agent } from 'node:http';
import { SdkBot } from './bot.js';
import type { FleetBot } from './fleet-bot.js';
import {
  FLEET_CONFIG_ENV,
  type FleetConfig,
  type FleetStatus,
  type FleetToParent,
  isParentToFleet,
} from './messages.js';
import { FleetMeter } from './meter.js';
import { WireBot } from './wire-bot.js';
import { WireBytes } from './wire-bytes.js';

const FRAME_MS = 1000 / 60;
const STATUS_MS = 250;
const RAMP_TICK_MS = 50;
/** After the window ends, how long acknowledgements of its last inputs may still arrive. */
const ACK_GRACE_MS = 2000;

function send(msg: FleetToParent): void {
  process.send?.(msg);
}

function readConfig(): FleetConfig {
  const raw = process.env[FLEET_CONFIG_ENV];
  if (!raw) throw new Error(`${FLEET_CONFIG_ENV} is not set (this file is started by the bench)`);
  return JSON.parse(raw) as FleetConfig;
}

const config = readConfig();
const wire = new WireBytes();
wire.start();
const meter = new FleetMeter(wire);
const bots: FleetBot[] = [];
let lastError: string | null = null;
const onError = (message: string): void => {
  lastError = message;
};
// Session requests of the wire bots share a few keep-alive connections, as a browser's would.
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function createBot(n: number): FleetBot {
  const name = `bot-${n}`;
  return config.kind === 'wire'
    ? new WireBot(config.url, config.sector, name, agent, meter, onError)
    : new SdkBot(config.url, config.sector, name, meter, onError);
}

function status(): FleetStatus {
  const s: FleetStatus = { type: 'status', connecting: 0, joined: 0, reconnecting: 0, failed: 0, lastError };
  for (const bot of bots) {
    switch (bot.status) {
      case 'connected':
        s.joined++;
        break;
      case 'connecting':
        s.connecting++;
        break;
      case 'reconnecting':
        s.reconnecting++;
        break;
      case 'failed':
        s.failed++;
        break;
      case 'closed':
        break;
    }
  }
  return s;
}

// Ramp up: a steady trickle of new connections rather than one burst.
const perRampTick = Math.max(1, Math.round((config.connectPerSecond * RAMP_TICK_MS) / 1000));
const ramp = setInterval(() => {
  for (let i = 0; i < perRampTick && bots.length < config.bots; i++) {
    const bot = createBot(config.firstIndex + bots.length);
    bots.push(bot);
    bot.connect();
  }
  if (bots.length >= config.bots) clearInterval(ramp);
}, RAMP_TICK_MS);

const frames = setInterval(() => {
  const now = performance.now();
  for (const bot of bots) bot.frame(now);
}, FRAME_MS);

const reports = setInterval(() => {
  const s = status();
  meter.joinedNow(s.joined);
  send(s);
}, STATUS_MS);

async function finishWindow(): Promise<void> {
  meter.end(performance.now(), status().joined);
  const deadline = performance.now() + ACK_GRACE_MS;
  while (meter.inFlight > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
  send({ type: 'result', stats: meter.result(), latency: meter.encodedLatency() });
}

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  clearInterval(ramp);
  clearInterval(frames);
  clearInterval(reports);
  for (const bot of bots) bot.close();
  agent.destroy();
  wire.stop();
  // Let the leave messages and close frames go out before exiting.
  setTimeout(() => process.exit(0), 200).unref();
}

process.on('message', (msg: unknown) => {
  if (!isParentToFleet(msg)) return;
  switch (msg.type) {
    case 'measure-begin':
      meter.begin(performance.now(), status().joined);
      send({ type: 'measure-begun' });
      return;
    case 'measure-end':
      finishWindow().catch((err: unknown) => send({ type: 'fatal', message: String(err) }));
      return;
    case 'stop':
      stop();
      return;
  }
});
process.on('SIGTERM', stop);
// Ctrl-C reaches the whole process group; the bench decides when the fleet stops.
process.on('SIGINT', () => {});
process.on('uncaughtException', (err) => {
  send({ type: 'fatal', message: err.stack ?? String(err) });
  process.exit(1);
});
