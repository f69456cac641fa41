import type { PendingPublish } from '@perihelion/client';
import type { ChatMessage } from '@perihelion/protocol';
import { el, setData } from './dom.js';

/** Closer to the bottom than this counts as "at the bottom": new messages keep it in view. */
const STICK_PX = 24;

/**
 * The open tab's messages, oldest first, with the player's own unconfirmed ones after them
 * ("sending…"). New messages are appended, not redrawn, so a player scrolled up to read stays where
 * they are; one at the bottom follows the conversation.
 */
export class ChatMessageList {
  readonly root: HTMLElement;
  private readonly gapNote: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly pendingList: HTMLOListElement;
  private channel: string | null = null;
  private shown: readonly ChatMessage[] = [];
  private readonly nodes = new Map<number, HTMLElement>();
  private pendingKey = '';

  constructor(private readonly self: () => string | null) {
    this.root = el('div', 'hud-chat-scroll');
    this.gapNote = el('p', 'hud-chat-gap', 'Older messages are no longer available.');
    this.gapNote.hidden = true;
    this.list = el('ol', 'hud-chat-messages');
    this.list.dataset.testid = 'chat-messages';
    this.pendingList = el('ol', 'hud-chat-messages hud-chat-pending');
    this.root.append(this.gapNote, this.list, this.pendingList);
  }

  update(
    channel: string | null,
    messages: readonly ChatMessage[],
    pending: PendingPublish[],
    gap: boolean,
  ): void {
    const atBottom = this.root.scrollHeight - this.root.scrollTop - this.root.clientHeight <= STICK_PX;
    let changed = false;
    if (channel !== this.channel || !this.continues(messages)) {
      this.channel = channel;
      setData(this.list, 'channel', channel ?? '');
      this.nodes.clear();
      this.list.replaceChildren(...messages.map((m) => this.node(m)));
      this.shown = messages;
      changed = true;
      this.root.scrollTop = this.root.scrollHeight;
    } else if (messages !== this.shown) {
      const last = this.shown.at(-1)?.offset ?? 0;
      const first = messages[0]?.offset ?? 0;
      for (const [offset, node] of this.nodes) {
        if (offset >= first) break;
        node.remove();
        this.nodes.delete(offset);
      }
      this.list.append(...messages.filter((m) => m.offset > last).map((m) => this.node(m)));
      this.shown = messages;
      changed = true;
    }
    if (this.gapNote.hidden === gap) this.gapNote.hidden = !gap;
    const pendingKey = pending.map((p) => p.nonce).join();
    if (pendingKey !== this.pendingKey) {
      this.pendingKey = pendingKey;
      this.pendingList.replaceChildren(...pending.map((p) => pendingNode(p)));
      changed = true;
    }
    if (changed && atBottom) this.root.scrollTop = this.root.scrollHeight;
  }

  /** `messages` is what is shown plus (maybe) newer ones and minus (maybe) the oldest. */
  private continues(messages: readonly ChatMessage[]): boolean {
    if (messages === this.shown) return true;
    const last = this.shown.at(-1);
    if (!last) return messages.length === 0 || this.shown.length === 0;
    // The same message object: a reset (a gap, another server) brings new objects even for equal offsets.
    return messages.some((m) => m === last);
  }

  private node(m: ChatMessage): HTMLElement {
    const own = m.sender.id === this.self();
    const li = el('li', 'hud-chat-message');
    li.dataset.testid = 'chat-message';
    li.dataset.offset = String(m.offset);
    li.dataset.sender = m.sender.id;
    if (own) li.dataset.own = 'true';
    if (m.sender.id === 'system') li.dataset.system = 'true';
    const time = el('time', 'hud-chat-time', clockTime(m.at));
    time.dateTime = new Date(m.at).toISOString();
    li.append(time, el('span', 'hud-chat-sender', m.sender.name), el('span', 'hud-chat-text', m.text));
    this.nodes.set(m.offset, li);
    return li;
  }
}

function pendingNode(p: PendingPublish): HTMLElement {
  const li = el('li', 'hud-chat-message');
  li.dataset.pending = 'true';
  li.dataset.testid = 'chat-message-pending';
  li.append(el('span', 'hud-chat-time', '…'), el('span', 'hud-chat-text', p.text));
  li.title = 'Sending…';
  return li;
}

function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
