import type { AdminNode, AdminOverview, AdminPlayer, AdminSector } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import { formatBytesPerSecond, formatMs } from './format.js';
import { button, KeyedRows, text } from './keyed-rows.js';

/** What the tables' buttons ask for (each opens the console's action bar, nothing acts at once). */
export interface WorldActions {
  message(player: AdminPlayer): void;
  kick(player: AdminPlayer): void;
  raid(sector: string, step: 'trigger' | 'cancel'): void;
  drain(node: string): void;
}

/** A card with a title and a table whose body the rows go into; a wide one spans the page. */
export function tableCard(title: string, testid: string, headings: readonly string[], wide = false) {
  const root = el('section', wide ? 'hud-card admin-card admin-wide' : 'hud-card admin-card');
  root.dataset.testid = testid;
  const heading = el('h2', 'admin-card-title', title);
  const count = el('span', 'admin-card-count');
  heading.append(count);
  const table = el('table', 'admin-table');
  const head = el('tr', 'admin-head');
  for (const h of headings) head.append(el('th', 'hud-label', h));
  const thead = el('thead', '');
  thead.append(head);
  const body = el('tbody', '');
  table.append(thead, body);
  root.append(heading, table);
  return { root, body, count };
}

/** Appends one cell to a row. */
export function cell(tr: HTMLElement): HTMLElement {
  const td = el('td', 'hud-value');
  tr.append(td);
  return td;
}

/** The cluster's nodes (one row alone), from their load reports. */
export class NodesTable {
  readonly root: HTMLElement;
  private readonly rows: KeyedRows<AdminNode>;
  private readonly count: HTMLElement;
  private self = '';

  constructor(actions: WorldActions) {
    const card = tableCard(
      'Nodes',
      'admin-nodes',
      ['node', 'players', 'connections', 'sectors', 'state', ''],
      true,
    );
    this.root = card.root;
    this.count = card.count;
    this.rows = new KeyedRows(
      card.body,
      (n) => n.node,
      (first) => {
        const tr = el('tr', 'admin-row');
        tr.dataset.testid = `admin-node-${first.node}`;
        const name = cell(tr);
        const players = cell(tr);
        const conns = cell(tr);
        const sectors = cell(tr);
        const state = cell(tr);
        const act = cell(tr);
        const drain = button('Drain', `admin-drain-${first.node}`, () => actions.drain(first.node));
        act.append(drain);
        return {
          root: tr,
          update: (n) => {
            text(name, n.node === this.self ? `${n.node} (this page)` : n.node);
            text(players, String(n.players));
            text(conns, String(n.connections));
            text(sectors, n.sectors.join(', ') || '–');
            text(state, n.draining ? 'draining' : 'live');
            state.dataset.quality = n.draining ? 'poor' : 'good';
            drain.disabled = n.draining;
          },
        };
      },
      'no node has reported yet',
      'tr',
    );
  }

  update(o: AdminOverview): void {
    this.self = o.node;
    text(
      this.count,
      o.unanswered.length
        ? ` ${o.nodes.length} · not answering: ${o.unanswered.join(', ')}`
        : ` ${o.nodes.length}`,
    );
    this.rows.render(o.nodes);
  }
}

/** Running sectors: where, who and what they cost, with their raid. */
export class SectorsTable {
  readonly root: HTMLElement;
  private readonly rows: KeyedRows<AdminSector>;
  private readonly count: HTMLElement;

  constructor(actions: WorldActions) {
    const card = tableCard(
      'Sectors',
      'admin-sectors',
      ['sector', 'node', 'players', 'tick', 'bandwidth', 'raid', ''],
      true,
    );
    this.root = card.root;
    this.count = card.count;
    this.rows = new KeyedRows(
      card.body,
      (s) => s.id,
      (first) => {
        const tr = el('tr', 'admin-row');
        tr.dataset.testid = `admin-sector-${first.id}`;
        const id = cell(tr);
        const node = cell(tr);
        const players = cell(tr);
        const tick = cell(tr);
        const bytes = cell(tr);
        const raid = cell(tr);
        const act = cell(tr);
        players.dataset.testid = `admin-sector-players-${first.id}`;
        act.append(
          button('Raid', `admin-raid-${first.id}`, () => actions.raid(first.id, 'trigger')),
          button('Call off', `admin-raid-cancel-${first.id}`, () => actions.raid(first.id, 'cancel')),
        );
        return {
          root: tr,
          update: (s) => {
            text(id, s.id);
            text(node, s.node);
            text(players, s.players === null ? '?' : String(s.players));
            text(tick, formatMs(s.tickMs, 2));
            text(bytes, formatBytesPerSecond(s.bytesPerSecond));
            text(raid, s.raid ? `${s.raid.phase}` : '–');
            raid.dataset.quality = s.raid ? (s.raid.phase === 'active' ? 'poor' : 'fair') : '';
          },
        };
      },
      'no sector is running',
      'tr',
    );
  }

  update(o: AdminOverview): void {
    text(this.count, ` ${o.sectors.length}`);
    this.rows.render(o.sectors);
  }
}

/** Everyone with a game connection: where they fly, how, from which node. */
export class PlayersTable {
  readonly root: HTMLElement;
  private readonly rows: KeyedRows<AdminPlayer>;
  private readonly count: HTMLElement;

  constructor(actions: WorldActions) {
    const card = tableCard(
      'Players online',
      'admin-players',
      ['name', 'sector', 'transport', 'ping', 'node', ''],
      true,
    );
    this.root = card.root;
    this.count = card.count;
    this.rows = new KeyedRows(
      card.body,
      (p) => `${p.playerId}@${p.node}`,
      (first) => {
        const tr = el('tr', 'admin-row');
        tr.dataset.testid = `admin-player-${first.playerId}`;
        const name = cell(tr);
        const sector = cell(tr);
        const transport = cell(tr);
        const ping = cell(tr);
        const node = cell(tr);
        const act = cell(tr);
        let current = first;
        act.append(
          button('Message', `admin-message-${first.playerId}`, () => actions.message(current)),
          button('Kick', `admin-kick-${first.playerId}`, () => actions.kick(current)),
        );
        return {
          root: tr,
          update: (p) => {
            current = p;
            tr.dataset.sector = p.sector ?? '';
            text(name, p.tabs > 1 ? `${p.name} (${p.tabs} tabs)` : p.name);
            name.title = p.playerId;
            text(sector, p.sector ?? '–');
            text(transport, p.transport ?? '–');
            transport.dataset.transport = p.transport ?? '';
            text(ping, formatMs(p.pingMs, 0));
            ping.dataset.quality =
              p.pingMs === null ? '' : p.pingMs < 80 ? 'good' : p.pingMs < 200 ? 'fair' : 'poor';
            text(node, p.node);
          },
        };
      },
      'nobody is online',
      'tr',
    );
  }

  update(o: AdminOverview): void {
    text(this.count, ` ${o.players.length}`);
    this.rows.render(o.players);
  }
}
