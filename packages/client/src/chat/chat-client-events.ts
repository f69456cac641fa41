import type { ChannelInfo, ChatMessage, ErrorPayload } from '@perihelion/protocol';
import type { ChannelSubscription } from './channel-subscription.js';

export interface ChatClientEvents {
  /** The server's list of channels this player may read (on connect and whenever it changes). */
  directory: (channels: readonly ChannelInfo[]) => void;
  /** A subscription was created (by subscribe() or from the directory). */
  subscribed: (subscription: ChannelSubscription) => void;
  /** A subscription ended (see ChannelSubscriptionEvents.closed for the reason). */
  unsubscribed: (channel: string, reason: ErrorPayload | null) => void;
  /** A new message on any subscribed channel (each offset once, in order per channel). */
  message: (channel: string, message: ChatMessage) => void;
  /**
   * The server reported an error, or sent something that does not match the protocol. Also the
   * start of a RATE_LIMITED episode on publishing (once per episode, `event: 'channel:publish'`):
   * the messages wait and are sent after a pause (see ChatClient.rateLimited).
   */
  error: (error: ErrorPayload) => void;
}
