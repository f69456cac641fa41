import type { ChannelInfo, ErrorPayload } from '@perihelion/protocol';
import type { ChannelSubscription } from './channel-subscription.js';
import type { SubscriptionRegistry } from './subscription-registry.js';

const LEFT_DIRECTORY: ErrorPayload = {
  code: 'FORBIDDEN',
  message: 'the channel is no longer in this player’s directory',
};

/**
 * Keeps the subscriptions in step with the server's directory (the channels this player may read):
 * listed channels are subscribed (unless auto-subscribe is off) and get their kind from the list,
 * and a subscription that came from the list ends when its channel leaves it. A listed channel the
 * player unsubscribed from stays unsubscribed until it leaves the list: the player's choice beats
 * the next directory update.
 */
export class DirectorySync {
  private _channels: readonly ChannelInfo[] = [];
  /** Listed channels unsubscribed here: not auto-subscribed again until they leave the list. */
  private readonly optedOut = new Set<string>();

  constructor(
    private readonly subscriptions: SubscriptionRegistry,
    private readonly autoSubscribe: boolean,
    private readonly subscribe: (channel: string) => ChannelSubscription,
  ) {}

  /** The latest directory (empty until the server has sent one). */
  get channels(): readonly ChannelInfo[] {
    return this._channels;
  }

  /** The player subscribed to `channel` by hand: any earlier opt-out is over. */
  optIn(channel: string): void {
    this.optedOut.delete(channel);
  }

  /** The player is unsubscribing from `sub`: if it is listed, do not bring it back. */
  optOut(sub: ChannelSubscription): void {
    if (sub.listed) this.optedOut.add(sub.channel);
  }

  /** The server sent a new directory. */
  apply(channels: readonly ChannelInfo[]): void {
    this._channels = channels;
    const listed = new Set(channels.map((c) => c.name));
    for (const name of this.optedOut) if (!listed.has(name)) this.optedOut.delete(name);
    for (const sub of [...this.subscriptions.all.values()]) {
      if (sub.listed && !listed.has(sub.channel)) this.subscriptions.leave(sub, LEFT_DIRECTORY);
    }
    for (const info of channels) {
      let sub = this.subscriptions.get(info.name);
      if (!sub && this.autoSubscribe && !this.optedOut.has(info.name)) sub = this.subscribe(info.name);
      if (!sub) continue;
      sub.listed = true;
      sub.setKind(info.kind);
    }
  }
}
