import {
  type ChannelSubscription,
  type ChatClient,
  ChatError,
  type PendingPublish,
} from '@perihelion/client';
import type {
  ChannelInfo,
  ChannelKind,
  ChatMessage,
  PresenceEntry,
  QaChatMessage,
  QaPresenceEntry,
} from '@perihelion/protocol';

export interface ChatStateOptions {
  /** This session may post in read-only channels (the admin role). Default: never. */
  isAdmin?: () => boolean;
}

/** One tab of the chat panel: a subscribed channel. */
export interface ChatTab {
  channel: string;
  kind: ChannelKind | null;
  /** "Sector", "Global", "Announcements", the peer's name for a direct conversation… */
  title: string;
  /** Messages from others after this player's read mark. */
  unread: number;
  /** The player may write here (read-only channels only for admins). */
  writable: boolean;
  /** For a direct conversation: the other player, and whether they are online now. */
  peer: { id: string; name: string; online: boolean } | null;
}

/** A short line under the messages: why the last message was refused. */
export interface ChatNotice {
  text: string;
  /** performance.now() when it appeared. */
  at: number;
}

const NOTICE_MS = 6000;
const SLOW_DOWN = 'Slow down: you are sending messages too fast. Sending in a moment…';

/**
 * The chat as this page shows it: which channels have tabs and in what order, which one is open,
 * who the other side of each conversation is, what the input may do. The chat panel draws it and
 * window.__QA__ reports it, so both say the same thing. It reads the ChatClient's subscriptions
 * (which keep themselves complete across reconnects) and adds only the page's choices; it lives
 * with the session, so a hot-reloaded HUD comes back on the same tab.
 */
export class ChatState {
  /** The panel is expanded (collapsed: only its title bar). */
  open = true;
  /** The player list is showing instead of the messages. */
  playersOpen = false;
  private selected: string | null = null;
  /** Direct channel → the other player, as learnt from the directory, a click or a message. */
  private readonly peers = new Map<string, PresenceEntry>();
  /** First time each channel was seen: tabs of the same rank keep that order. */
  private readonly seen = new Map<string, number>();
  private _notice: ChatNotice | null = null;
  private readonly qaCache = new Map<string, { from: readonly ChatMessage[]; qa: QaChatMessage[] }>();

  constructor(
    readonly client: ChatClient,
    private readonly options: ChatStateOptions = {},
  ) {
    const learnPeers = (channels: readonly ChannelInfo[]) => {
      for (const info of channels) if (info.peer) this.peers.set(info.name, info.peer);
    };
    learnPeers(client.directory);
    client.on('directory', learnPeers);
    client.on('unsubscribed', (channel) => this.qaCache.delete(channel));
    // RATE_LIMITED keeps the message (pending, sent after a pause): say why it is taking a while.
    client.on('error', (error) => {
      if (error.code === 'RATE_LIMITED' && error.event === 'channel:publish') this.say(SLOW_DOWN);
    });
  }

  /** The tabs, in display order. */
  tabs(): ChatTab[] {
    const subs = [...this.client.subscriptions.values()].filter((s) => s.state !== 'closed');
    for (const sub of subs) if (!this.seen.has(sub.channel)) this.seen.set(sub.channel, this.seen.size);
    return subs
      .map((sub) => this.tab(sub))
      .sort((a, b) => rank(a) - rank(b) || (this.seen.get(a.channel) ?? 0) - (this.seen.get(b.channel) ?? 0));
  }

  /** The open tab's channel: the one chosen, or the first tab when it is gone or none was. */
  activeChannel(tabs: readonly ChatTab[] = this.tabs()): string | null {
    if (this.selected !== null && tabs.some((t) => t.channel === this.selected)) return this.selected;
    return tabs[0]?.channel ?? null;
  }

  select(channel: string): void {
    this.selected = channel;
    this.playersOpen = false;
  }

  /** Messages of `channel` as shown, oldest first. */
  messages(channel: string): readonly ChatMessage[] {
    return this.client.subscription(channel)?.messages ?? [];
  }

  /** This player's messages to `channel` that the server has not confirmed yet. */
  pending(channel: string): PendingPublish[] {
    return this.client.pending(channel);
  }

  /** Older messages of `channel` are gone (this page was away longer than the server keeps them). */
  hasGap(channel: string): boolean {
    return this.client.subscription(channel)?.gap ?? false;
  }

  /**
   * Who is in `channel` now, by name: everyone, or in a channel with more than PRESENCE_LIST_MAX
   * players the ones the server lists (see `presenceCount` for how many there are).
   */
  presence(channel: string): PresenceEntry[] {
    const sub = this.client.subscription(channel);
    if (!sub) return [];
    return [...sub.presence]
      .map(([id, name]) => ({ id, name }))
      .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The current sector's channel, once subscribed. */
  sectorChannel(): string | null {
    for (const sub of this.client.subscriptions.values()) if (sub.kind === 'sector') return sub.channel;
    return null;
  }

  /** How many players are in `channel` now, listed or not (0 when not subscribed). */
  presenceCount(channel: string): number {
    return this.client.subscription(channel)?.presenceCount ?? 0;
  }

  /** How many players are online anywhere (the global channel's presence), or null if unknown. */
  globalOnline(): number | null {
    return this.client.subscription('global')?.presenceCount ?? null;
  }

  /** Opens (or creates) the conversation with `peer` and shows it. */
  openDirect(peer: PresenceEntry): void {
    if (peer.id === this.client.playerId) return;
    let channel: string;
    try {
      channel = this.client.direct(peer.id).channel;
    } catch (err) {
      this.say(err instanceof Error ? err.message : String(err));
      return;
    }
    this.peers.set(channel, peer);
    this.select(channel);
    this.open = true;
  }

  /** Marks the open tab read (the panel calls it while the tab is on screen). */
  markShown(channel: string): void {
    const sub = this.client.subscription(channel);
    if (sub && sub.lastOffset > sub.readUpTo) sub.markRead();
  }

  /**
   * Sends `text` to the open tab. Resolves once the server has stored it (a rate-limited message
   * waits, shown as pending, with a "Slow down…" notice); a refusal becomes the panel's notice
   * rather than an error.
   */
  async send(channel: string, text: string): Promise<void> {
    const trimmed = text.trim();
    if (trimmed === '') return;
    const tab = this.tabs().find((t) => t.channel === channel);
    if (!tab?.writable) {
      this.say('You cannot write in this channel.');
      return;
    }
    try {
      await this.client.publish(channel, trimmed);
    } catch (err) {
      this.say(describeRefusal(err));
    }
  }

  /** The refusal to show under the messages, while it is recent. */
  notice(now: number): ChatNotice | null {
    if (this._notice && now - this._notice.at >= NOTICE_MS) this._notice = null;
    return this._notice;
  }

  /** Unread messages over all tabs (for the collapsed panel). */
  totalUnread(tabs: readonly ChatTab[] = this.tabs()): number {
    return tabs.reduce((sum, t) => sum + t.unread, 0);
  }

  /** window.__QA__'s `chat`: every subscribed channel's messages as shown. */
  qaChat(): Record<string, QaChatMessage[]> {
    const out: Record<string, QaChatMessage[]> = {};
    for (const sub of this.client.subscriptions.values()) {
      const cached = this.qaCache.get(sub.channel);
      let qa = cached?.qa;
      if (!qa || cached?.from !== sub.messages) {
        qa = sub.messages.map(qaMessage);
        this.qaCache.set(sub.channel, { from: sub.messages, qa });
      }
      out[sub.channel] = qa.map((m) => ({ ...m }));
    }
    return out;
  }

  /**
   * window.__QA__'s `presence`: who is online in every subscribed channel, by name. For a channel
   * with more than PRESENCE_LIST_MAX players, the ones listed (as the panel shows them);
   * `qaPresenceCounts` has how many there are.
   */
  qaPresence(): Record<string, QaPresenceEntry[]> {
    const out: Record<string, QaPresenceEntry[]> = {};
    for (const channel of this.client.subscriptions.keys()) out[channel] = this.presence(channel);
    return out;
  }

  /** How many players are online in every subscribed channel, listed or not. */
  qaPresenceCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const channel of this.client.subscriptions.keys()) out[channel] = this.presenceCount(channel);
    return out;
  }

  private tab(sub: ChannelSubscription): ChatTab {
    const kind = sub.kind ?? guessKind(sub.channel);
    const peer = kind === 'direct' ? this.peerOf(sub) : null;
    return {
      channel: sub.channel,
      kind,
      title: peer ? peer.name : title(sub.channel, kind),
      unread: sub.unread,
      writable: kind !== 'readonly' || (this.options.isAdmin?.() ?? false),
      peer,
    };
  }

  private peerOf(sub: ChannelSubscription): ChatTab['peer'] {
    const self = this.client.playerId;
    const known = this.peers.get(sub.channel);
    const id =
      known?.id ??
      sub.channel
        .slice(3)
        .split(':')
        .find((p) => p !== self) ??
      sub.channel;
    const name =
      known?.name ??
      sub.presence.get(id) ??
      sub.messages.find((m) => m.sender.id === id)?.sender.name ??
      this.nameInSector(id) ??
      id;
    return { id, name, online: this.isOnline(sub, id) };
  }

  /** In the conversation, or anywhere else this page can see (everyone is in `global`). */
  private isOnline(sub: ChannelSubscription, id: string): boolean {
    if (sub.presence.has(id)) return true;
    if (this.client.subscription('global')?.presence.has(id)) return true;
    const sector = this.sectorChannel();
    return sector !== null && (this.client.subscription(sector)?.presence.has(id) ?? false);
  }

  private nameInSector(id: string): string | undefined {
    const sector = this.sectorChannel();
    return sector ? this.client.subscription(sector)?.presence.get(id) : undefined;
  }

  private say(text: string): void {
    this._notice = { text, at: performance.now() };
  }
}

/** Tabs in this order: the sector, global, announcements, teams and others, then conversations. */
function rank(tab: ChatTab): number {
  if (tab.kind === 'sector') return 0;
  if (tab.channel === 'global') return 1;
  if (tab.channel === 'announcements') return 2;
  if (tab.kind === 'direct') return 4;
  return 3;
}

function guessKind(channel: string): ChannelKind | null {
  if (channel === 'announcements') return 'readonly';
  if (channel.startsWith('sector:')) return 'sector';
  if (channel.startsWith('dm:')) return 'direct';
  if (channel.startsWith('team:')) return 'private';
  return null;
}

function title(channel: string, kind: ChannelKind | null): string {
  if (kind === 'sector') return 'Sector';
  if (channel === 'global') return 'Global';
  if (channel === 'announcements') return 'Announcements';
  if (channel.startsWith('team:')) return `Team ${channel.slice(5)}`;
  return channel;
}

function qaMessage(m: ChatMessage): QaChatMessage {
  return { offset: m.offset, sender: m.sender.id, senderName: m.sender.name, text: m.text };
}

function describeRefusal(err: unknown): string {
  if (!(err instanceof ChatError)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case 'RATE_LIMITED':
      return SLOW_DOWN;
    case 'FORBIDDEN':
      return 'You cannot write in this channel.';
    case 'NOT_FOUND':
      return 'That channel does not exist (any more).';
    default:
      return `Not sent: ${err.message}`;
  }
}
