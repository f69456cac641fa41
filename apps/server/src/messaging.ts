import type { Db } from '@perihelion/db';
import {
  type Bus,
  Channels,
  ChatGateway,
  type ChatNamespace,
  type GatewayHooks,
  type Realtime,
} from '@perihelion/engine';
import { CHAT_NAMESPACE } from '@perihelion/protocol';
import type { Logger } from 'pino';
import type { Config } from './config.js';

/** The game's channels: everyone talks in `global`; only the server, admins and the API in `announcements`. */
export const PUBLIC_CHANNELS = ['global'];
export const READONLY_CHANNELS = ['announcements'];

export interface Messaging {
  channels: Channels;
  /** The game gateway's hooks, plus what keeps each player's channel directory current. */
  withHooks(hooks: GatewayHooks): GatewayHooks;
  /** Opens the `/chat` namespace on the realtime server (same port, same connection as `/game`). */
  attach(realtime: Realtime): ChatGateway;
  close(): void;
}

/**
 * Channels, chat and presence on top of the engine's Channels hub: the game decides which named
 * channels exist and where a player's sector channel is; the engine does the rest.
 */
export function createMessaging(
  config: Config,
  db: Db,
  bus: Bus,
  logger: Logger,
  /** Whether another node of the cluster still reports its load. */
  nodeIsLive: (node: string) => boolean = () => true,
): Messaging {
  let realtime: Realtime | null = null;
  let gateway: ChatGateway | null = null;
  const channels = new Channels({
    db,
    logger: logger.child({ part: 'channels' }),
    config: {
      public: PUBLIC_CHANNELS,
      readonly: READONLY_CHANNELS,
      retention: config.CHAT_RETENTION,
      presenceGraceMs: config.PRESENCE_GRACE_MS,
      publishRate: { perSecond: config.CHAT_RATE_PER_S, burst: config.CHAT_BURST },
    },
    sectorOf: (playerId) => realtime?.gateway.sectorOf(playerId) ?? null,
    bus,
    nodeIsLive,
  });
  return {
    channels,
    withHooks(hooks) {
      return {
        ...hooks,
        sectorChanged(playerId, sector) {
          hooks.sectorChanged?.(playerId, sector);
          channels.directoryChanged(playerId);
        },
      };
    },
    attach(rt) {
      realtime = rt;
      gateway = new ChatGateway({
        namespace: rt.io.of(CHAT_NAMESPACE) as unknown as ChatNamespace,
        auth: rt.auth,
        channels,
        logger,
        ...(rt.refusals ? { refusals: rt.refusals } : {}),
      });
      return gateway;
    },
    close() {
      gateway?.shutdown();
      channels.close();
    },
  };
}
