export {
  ChannelSubscription,
  type ChannelSubscriptionEvents,
  type SubscriptionState,
} from './channel-subscription.js';
export { ChatClient } from './chat-client.js';
export type { ChatClientEvents } from './chat-client-events.js';
export type { ChatClientOptions } from './chat-client-options.js';
export { ChatError, type ChatErrorCode } from './chat-error.js';
export type { ChatSocket } from './chat-socket.js';
export { type ChatOnlyClient, type ChatOnlyOptions, connectChat } from './connect-chat.js';
export type { PendingPublish, PublishReceipt } from './outbox.js';
