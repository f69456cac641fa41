import type { PresenceEntry } from '@perihelion/protocol';
import { el, setText } from './dom.js';

/**
 * Who is in the sector now (the sector channel's presence: in a crowded sector, the players the
 * server lists, with the count of everyone), and how many are online anywhere.
 * A click on someone opens a conversation with them.
 */
export class ChatPlayerList {
  readonly root: HTMLElement;
  private readonly title: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly global: HTMLElement;
  private key = '';

  constructor(private readonly openDirect: (peer: PresenceEntry) => void) {
    this.root = el('div', 'hud-chat-players');
    this.root.dataset.testid = 'player-list';
    this.title = el('p', 'hud-chat-players-title');
    this.list = el('ul', 'hud-chat-players-list');
    this.global = el('p', 'hud-chat-players-global');
    this.global.dataset.testid = 'player-list-global';
    this.root.append(this.title, this.list, this.global);
  }

  update(
    sector: string | null,
    players: readonly PresenceEntry[],
    /** Everyone in the sector, which may be more than the players listed. */
    hereCount: number,
    globalOnline: number | null,
    self: string | null,
  ): void {
    const count = Math.max(hereCount, players.length);
    setText(this.title, sector ? `${sectorName(sector)} · ${count} here` : 'Not in a sector');
    setText(this.global, globalOnline === null ? '' : `Global · ${globalOnline} online`);
    const key = `${self}|${players.map((p) => `${p.id}:${p.name}`).join('|')}`;
    if (key === this.key) return;
    this.key = key;
    this.list.replaceChildren(...players.map((p) => this.entry(p, p.id === self)));
  }

  private entry(player: PresenceEntry, self: boolean): HTMLElement {
    const li = el('li', 'hud-chat-player-row');
    const button = el('button', 'hud-chat-player', self ? `${player.name} (you)` : player.name);
    button.type = 'button';
    button.dataset.testid = 'player-list-entry';
    button.dataset.playerId = player.id;
    if (self) {
      button.dataset.self = 'true';
      button.disabled = true;
    } else {
      button.title = `Message ${player.name}`;
      button.addEventListener('click', () => {
        button.blur();
        this.openDirect(player);
      });
    }
    li.append(button);
    return li;
  }
}

function sectorName(channel: string): string {
  return `Sector ${channel.startsWith('sector:') ? channel.slice(7) : channel}`;
}
