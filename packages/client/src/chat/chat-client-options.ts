export interface ChatClientOptions {
  /**
   * The own player id, once known: own messages never count as unread, and sendDirect() names
   * the direct channel with it.
   */
  self: () => string | null;
  /** Subscribe to every channel of the server's directory, and drop those it removes. Default true. */
  autoSubscribe?: boolean;
  /** Messages kept per subscription, newest kept. Default 500. */
  historyLimit?: number;
  /** A subscribe or publish unanswered this long on a live connection is sent again. Default 10 s. */
  ackTimeoutMs?: number;
  /** Least time between two read-mark messages (they are coalesced). Default 250 ms. */
  readIntervalMs?: number;
  /** Wait before retrying after an answer that may pass (UNAVAILABLE…). Default 1 s. */
  retryDelayMs?: number;
  /**
   * First pause after the server answered a publish with RATE_LIMITED (the message stays in the
   * outbox); doubles while it keeps refusing, up to five times this. Default 1 s.
   */
  rateLimitDelayMs?: number;
  /**
   * Most subscribes sent and not answered yet on one connection (a player may have hundreds of
   * channels: the rest wait their turn). Default 16.
   */
  maxSubscribesInFlight?: number;
  /** Most subscribes sent per second (also the burst), well inside the server's guard. Default 40. */
  subscribesPerSecond?: number;
  /**
   * Bring the socket back when Socket.IO will not by itself: after the server closed it (`io
   * server disconnect`, e.g. a restart or an expired session) or its middleware refused the
   * handshake for a reason that may pass. Never after the socket's owner disconnected it, nor for
   * a permanent refusal (PROTOCOL_MISMATCH, BAD_HANDSHAKE). Default true.
   */
  reconnect?: boolean;
  /** First delay of those reconnects (doubling, jittered, up to 3 s or this). Default 500 ms. */
  reconnectDelayMs?: number;
}

/** Every tunable with its value decided (`self` stays a separate callback). */
export type ResolvedChatClientOptions = Required<Omit<ChatClientOptions, 'self'>>;

const DEFAULTS: ResolvedChatClientOptions = {
  autoSubscribe: true,
  historyLimit: 500,
  ackTimeoutMs: 10_000,
  readIntervalMs: 250,
  retryDelayMs: 1000,
  rateLimitDelayMs: 1000,
  maxSubscribesInFlight: 16,
  subscribesPerSecond: 40,
  reconnect: true,
  reconnectDelayMs: 500,
};

/** The defaults, overridden by whatever `options` sets (an explicit `undefined` keeps the default). */
export function resolveChatClientOptions(options: ChatClientOptions): ResolvedChatClientOptions {
  const { self: _self, ...tunables } = options;
  return { ...DEFAULTS, ...stripUndefined(tunables) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
