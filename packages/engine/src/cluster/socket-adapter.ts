import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ServerOptions } from 'socket.io';
import type { BusErrorReporter } from './bus.js';
import { closeRedis, openRedis } from './redis-connection.js';

export interface SocketAdapterOptions {
  url: string;
  nodeId: string;
  /** Prefix of the adapter's stream and channels (one per deployment). */
  prefix: string;
  report?: BusErrorReporter;
}

/** Socket.IO's adapter for a cluster, and what closes the connection it was given. */
export interface SocketAdapter {
  adapter: NonNullable<ServerOptions['adapter']>;
  close(): Promise<void>;
}

/** A blocked read of the adapter returns this often, so a shut-down node lets go of Redis soon. */
const ADAPTER_BLOCK_MS = 1000;

/**
 * Socket.IO's Redis Streams adapter: rooms, broadcasts, fetchSockets and serverSideEmit across
 * the nodes of a cluster, through one Redis stream (it keeps working across a Redis restart). The
 * engine sends game and chat traffic node-locally (each node serves its own connections, woken by
 * the Bus), so the stream carries only what is meant for every node. Connection state recovery
 * stays off: it would add an offset argument to every event, which the protocol's one-frame
 * encoding does not take, and the engine resumes sessions itself.
 */
export async function openSocketAdapter(opts: SocketAdapterOptions): Promise<SocketAdapter> {
  const client = await openRedis({
    url: opts.url,
    name: `perihelion-sio:${opts.nodeId}`,
    report: opts.report ?? (() => {}),
    queueLimit: 100_000,
  });
  const adapter = createAdapter(client, {
    streamName: `${opts.prefix}socket.io`,
    channelPrefix: `${opts.prefix}socket.io`,
    blockTimeInMs: ADAPTER_BLOCK_MS,
  });
  return { adapter, close: () => closeRedis(client, 2000) };
}
