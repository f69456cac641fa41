export { type ChannelConfig, channelConfigProblem } from './channel-config.js';
export { directoryOf } from './channel-directory.js';
export { ChannelError } from './channel-error.js';
export { ChannelFeed, type ChannelFeedOptions, FEED_RECENT } from './channel-feed.js';
export {
  ChannelPresence,
  type ChannelPresenceOptions,
  PRESENCE_BATCH_MS,
  PRESENCE_COUNT_BATCH_MS,
  type PresenceChangeEvent,
  type PresenceSnapshot,
} from './channel-presence.js';
export {
  type ChannelNames,
  channelKindOf,
  channelRules,
  type Decision,
  DIRECT_PREFIX,
  type KindRules,
  type RuleContext,
  SECTOR_PREFIX,
  TEAM_PREFIX,
} from './channel-rules.js';
export {
  type Appended,
  appendMessage,
  CHANNEL_PAGE,
  channelBounds,
  findByNonce,
  messagesAfter,
  type NewChannelMessage,
  pruneNonces,
  retainedRange,
} from './channel-store.js';
export { NONCE_TTL_MS } from './channel-writer.js';
export {
  Channels,
  type ChannelsOptions,
  MAX_HISTORY,
  MAX_SUBSCRIPTIONS,
  SYSTEM_SENDER_ID,
} from './channels.js';
export {
  type ChatFanout,
  LocalFanout,
  messagesGroup,
  presenceGroup,
} from './chat-fanout.js';
export { ChatGateway, type ChatGatewayOptions, type ChatNamespace } from './chat-gateway.js';
export { PublishLimiter, type PublishLimiterOptions, type PublishRate } from './publish-limiter.js';
export { RoomFanout, type RoomNamespace } from './room-fanout.js';
export {
  CATCH_UP_RETRY_DELAYS_MS,
  type CaughtUp,
  type ChatConnection,
  MAX_BATCH,
  Subscription,
  type SubscriptionOptions,
} from './subscription.js';
