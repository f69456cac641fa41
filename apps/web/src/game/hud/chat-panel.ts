import type { ChatState, ChatTab } from '../../session/chat-state.js';
import { isTyping } from '../input/typing.js';
import { ChatMessageList } from './chat-messages.js';
import { ChatPlayerList } from './chat-players.js';
import { el, setData, setText } from './dom.js';
import './hud-chat.css';

interface TabNode {
  button: HTMLButtonElement;
  title: HTMLElement;
  badge: HTMLElement;
}

/**
 * The chat, bottom left: a tab per channel (sector, global, announcements, one per conversation)
 * with unread counts, the open tab's messages, an input, and the players in the sector. Enter
 * (in the game) focuses the input; while it has the focus, keys type instead of flying the ship;
 * Enter sends and Escape returns to flying. The title bar folds it away.
 *
 * It is the one part of the HUD that takes the pointer. Every element a test needs has a
 * data-testid: chat-panel, chat-toggle, chat-tab-<channel>, chat-unread-<channel>, chat-message,
 * chat-input, chat-readonly, chat-notice, chat-players-toggle, player-list, player-list-entry.
 */
export class ChatPanel {
  readonly root: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private readonly totalBadge: HTMLElement;
  private readonly onlineButton: HTMLButtonElement;
  private readonly tabBar: HTMLElement;
  private readonly tabNodes = new Map<string, TabNode>();
  private tabOrder = '';
  private readonly messages: ChatMessageList;
  private readonly players: ChatPlayerList;
  private readonly notice: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly input: HTMLInputElement;
  private readonly readonlyNote: HTMLElement;
  private readonly empty: HTMLElement;
  private active: string | null = null;
  private readonly unwatch: () => void;

  constructor(private readonly state: ChatState) {
    this.root = el('section', 'hud-card hud-chat');
    this.root.dataset.testid = 'chat-panel';
    this.root.setAttribute('aria-label', 'Chat');

    const head = el('header', 'hud-chat-head');
    this.toggle = button('hud-chat-toggle', 'chat-toggle', () => {
      state.open = !state.open;
    });
    this.totalBadge = el('span', 'hud-chat-badge');
    this.totalBadge.dataset.testid = 'chat-unread-total';
    this.toggle.append(el('span', 'hud-chat-heading', 'Chat'), this.totalBadge);
    this.onlineButton = button('hud-chat-online', 'chat-players-toggle', () => {
      state.open = true;
      state.playersOpen = !state.playersOpen;
    });
    head.append(this.toggle, this.onlineButton);

    this.tabBar = el('div', 'hud-chat-tabs');
    this.tabBar.setAttribute('role', 'tablist');
    this.messages = new ChatMessageList(() => state.client.playerId);
    this.players = new ChatPlayerList((peer) => state.openDirect(peer));
    this.empty = el('p', 'hud-chat-empty');
    const body = el('div', 'hud-chat-body');
    body.append(this.empty, this.messages.root, this.players.root);

    this.notice = el('p', 'hud-chat-notice');
    this.notice.dataset.testid = 'chat-notice';
    this.notice.setAttribute('role', 'status');

    this.form = el('form', 'hud-chat-form');
    this.input = el('input', 'hud-chat-input');
    this.input.type = 'text';
    this.input.maxLength = 500;
    this.input.autocomplete = 'off';
    this.input.enterKeyHint = 'send';
    this.input.placeholder = 'Enter to chat · Esc to fly';
    this.input.setAttribute('aria-label', 'Message');
    this.input.dataset.testid = 'chat-input';
    this.form.append(this.input);
    this.readonlyNote = el('p', 'hud-chat-readonly', 'Read only: announcements come from the server.');
    this.readonlyNote.dataset.testid = 'chat-readonly';

    this.root.append(head, this.tabBar, body, this.notice, this.form, this.readonlyNote);
    this.bindInput();
    // Enter, while flying, opens the input at once (in the key's own event, so nothing typed
    // right after it is lost to the game). Capture phase: before Phaser's listener on the window.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || event.isComposing || event.repeat || isTyping()) return;
      if (event.target instanceof HTMLButtonElement) return;
      if (this.openInput()) event.preventDefault();
    };
    // Phaser keeps the focus where it was when the canvas is clicked (it prevents the default):
    // a click anywhere outside the panel returns the keys to the ship.
    const onPointerDown = (event: PointerEvent) => {
      if (document.activeElement === this.input && !this.root.contains(event.target as Node)) {
        this.input.blur();
      }
    };
    window.addEventListener('keydown', onKeyDown, true);
    document.addEventListener('pointerdown', onPointerDown, true);
    this.unwatch = () => {
      window.removeEventListener('keydown', onKeyDown, true);
      document.removeEventListener('pointerdown', onPointerDown, true);
    };
  }

  /**
   * Expands the panel and focuses its input; on a read-only tab, in the first tab that takes
   * messages instead. False when there is nowhere to write yet.
   */
  openInput(): boolean {
    const { state } = this;
    state.open = true;
    state.playersOpen = false;
    const tabs = state.tabs();
    const active = tabs.find((t) => t.channel === state.activeChannel(tabs));
    if (!active?.writable) {
      const other = tabs.find((t) => t.writable);
      if (!other) return false;
      state.select(other.channel);
    }
    // Draw the change now: a hidden input cannot take the focus.
    this.update(performance.now());
    this.input.focus({ preventScroll: true });
    return true;
  }

  update(now: number): void {
    const { state } = this;
    const tabs = state.tabs();
    const active = state.activeChannel(tabs);
    this.active = active;
    const tab = tabs.find((t) => t.channel === active) ?? null;
    const typing = document.activeElement === this.input;

    setData(this.root, 'open', state.open ? 'true' : 'false');
    setData(this.root, 'view', state.playersOpen ? 'players' : 'messages');
    setData(this.root, 'typing', typing ? 'true' : 'false');
    setAttr(this.toggle, 'aria-expanded', String(state.open));
    const total = state.totalUnread(tabs);
    setText(this.totalBadge, total > 0 ? String(total) : '');
    setData(this.totalBadge, 'empty', total > 0 ? 'false' : 'true');

    const sector = state.sectorChannel();
    // The listed players (all of them, or the server's PRESENCE_LIST_MAX in a crowded channel)
    // and how many there are.
    const here = sector ? state.presence(sector) : [];
    const hereCount = sector ? state.presenceCount(sector) : 0;
    const global = state.globalOnline();
    setText(this.onlineButton, `● ${hereCount} here${global === null ? '' : ` · ${global} online`}`);
    setAttr(this.onlineButton, 'aria-pressed', String(state.playersOpen));

    this.updateTabs(tabs, active);
    if (state.open && state.playersOpen) {
      this.players.update(sector, here, hereCount, global, state.client.playerId);
    }
    this.messages.update(
      active,
      active ? state.messages(active) : [],
      active ? state.pending(active) : [],
      active ? state.hasGap(active) : false,
    );

    const emptyText = tab === null ? 'Connecting to chat…' : this.emptyText(tab, active);
    setText(this.empty, emptyText);
    if (this.empty.hidden === (emptyText === '')) this.empty.hidden = emptyText === '';

    const writable = tab?.writable ?? false;
    if (this.form.hidden === writable) this.form.hidden = !writable;
    const readonly = tab !== null && !writable;
    if (this.readonlyNote.hidden === readonly) this.readonlyNote.hidden = !readonly;
    if (!writable && typing) this.input.blur();
    const placeholder = tab?.peer ? `Message ${tab.peer.name} · Esc to fly` : 'Enter to chat · Esc to fly';
    if (this.input.placeholder !== placeholder) this.input.placeholder = placeholder;

    const notice = state.notice(now);
    setText(this.notice, notice?.text ?? '');
    if (this.notice.hidden === (notice !== null)) this.notice.hidden = notice === null;

    // What is on screen has been read (not while the page is in a background tab).
    if (active && state.open && !state.playersOpen && !document.hidden) state.markShown(active);
  }

  private emptyText(tab: ChatTab, active: string | null): string {
    if (!active || this.state.messages(active).length > 0 || this.state.pending(active).length > 0) return '';
    return tab.peer ? `Say hello to ${tab.peer.name}.` : 'No messages yet.';
  }

  destroy(): void {
    this.unwatch();
    this.root.remove();
  }

  private bindInput(): void {
    const { input } = this;
    input.addEventListener('keydown', (event) => {
      // Typed keys are words, not flight controls: Phaser (which listens on the window, and
      // would swallow W, Space… as captured keys) never sees them.
      event.stopPropagation();
      if (event.isComposing) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        this.submit();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        input.blur();
      }
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** Sends what was typed to the open tab and returns to flying. */
  private submit(): void {
    const text = this.input.value;
    const channel = this.active;
    this.input.value = '';
    this.input.blur();
    if (channel && text.trim() !== '') void this.state.send(channel, text);
  }

  private updateTabs(tabs: readonly ChatTab[], active: string | null): void {
    const order = tabs.map((t) => t.channel).join('\n');
    if (order !== this.tabOrder) {
      this.tabOrder = order;
      for (const [channel, node] of this.tabNodes) {
        if (!tabs.some((t) => t.channel === channel)) {
          node.button.remove();
          this.tabNodes.delete(channel);
        }
      }
      this.tabBar.replaceChildren(...tabs.map((t) => this.tabNode(t.channel).button));
    }
    for (const tab of tabs) {
      const node = this.tabNode(tab.channel);
      setText(node.title, tab.title);
      setText(node.badge, tab.unread > 0 ? String(tab.unread) : '');
      setData(node.badge, 'empty', tab.unread > 0 ? 'false' : 'true');
      const selected = tab.channel === active;
      setData(node.button, 'active', selected ? 'true' : 'false');
      setAttr(node.button, 'aria-selected', String(selected));
      setData(node.button, 'kind', tab.kind ?? 'unknown');
      if (tab.peer) setData(node.button, 'online', tab.peer.online ? 'true' : 'false');
    }
  }

  private tabNode(channel: string): TabNode {
    let node = this.tabNodes.get(channel);
    if (node) return node;
    const tabButton = button('hud-chat-tab', `chat-tab-${channel}`, () => this.state.select(channel));
    tabButton.setAttribute('role', 'tab');
    tabButton.dataset.channel = channel;
    const title = el('span', 'hud-chat-tab-title');
    const badge = el('span', 'hud-chat-badge');
    badge.dataset.testid = `chat-unread-${channel}`;
    tabButton.append(title, badge);
    node = { button: tabButton, title, badge };
    this.tabNodes.set(channel, node);
    return node;
  }
}

function setAttr(node: HTMLElement, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/** A button that hands the keys back to the game once clicked (a focused button eats Space). */
function button(className: string, testId: string, onClick: () => void): HTMLButtonElement {
  const node = el('button', className);
  node.type = 'button';
  node.dataset.testid = testId;
  node.addEventListener('click', () => {
    node.blur();
    onClick();
  });
  return node;
}
