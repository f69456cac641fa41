/** The fleet's view of one bot, whichever client it is built on. */
export type BotStatus = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export interface FleetBot {
  readonly status: BotStatus;
  connect(): void;
  /** Called from the fleet's frame timer (about 60 Hz); inputs go out at the server's tick rate. */
  frame(now: number): void;
  /** Leaves the sector cleanly and closes the connection. */
  close(): void;
}

/** Which client the bots are: the full SDK, or the lean wire-level bot (see wire-bot.ts). */
export type BotKind = 'sdk' | 'wire';
