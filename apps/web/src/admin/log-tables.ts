import type { AdminAction, AdminChannel, AdminChart, AdminOverview, AdminTimer } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import { formatDue, formatTime } from './format.js';
import { KeyedRows, text } from './keyed-rows.js';
import { Sparkline } from './sparkline.js';
import { cell, tableCard } from './world-tables.js';

/** Durable timers still to fire (constructions, raid steps), earliest first. */
export class TimersTable {
  readonly root: HTMLElement;
  private readonly rows: KeyedRows<AdminTimer>;
  private readonly count: HTMLElement;
  private now = Date.now();

  constructor() {
    const card = tableCard('Pending timers', 'admin-timers', ['due', 'kind', 'sector', 'key', 'attempts']);
    this.root = card.root;
    this.count = card.count;
    this.rows = new KeyedRows(
      card.body,
      (t) => t.id,
      () => {
        const tr = el('tr', 'admin-row');
        const due = cell(tr);
        const kind = cell(tr);
        const sector = cell(tr);
        const key = cell(tr);
        const attempts = cell(tr);
        return {
          root: tr,
          update: (t) => {
            text(due, formatDue(t.dueAt, this.now));
            due.title = new Date(t.dueAt).toISOString();
            text(kind, t.kind);
            text(sector, t.sector ?? '–');
            text(key, t.key ?? '–');
            text(attempts, String(t.attempts));
          },
        };
      },
      'no timer is pending',
      'tr',
    );
  }

  update(o: AdminOverview): void {
    this.now = o.at;
    const shown =
      o.timers.length < o.timersPending ? ` ${o.timers.length} of ${o.timersPending}` : ` ${o.timersPending}`;
    text(this.count, shown);
    this.rows.render(o.timers);
  }
}

/** The audit log: what operators did, newest first. */
export class AuditTable {
  readonly root: HTMLElement;
  private readonly rows: KeyedRows<AdminAction>;

  constructor() {
    const card = tableCard(
      'Recent actions',
      'admin-audit',
      ['when', 'who', 'action', 'target', 'detail', 'node'],
      true,
    );
    this.root = card.root;
    this.rows = new KeyedRows(
      card.body,
      (a) => String(a.id),
      () => {
        const tr = el('tr', 'admin-row');
        const when = cell(tr);
        const who = cell(tr);
        const action = cell(tr);
        const target = cell(tr);
        const detail = cell(tr);
        const node = cell(tr);
        return {
          root: tr,
          update: (a) => {
            text(when, formatTime(a.at));
            text(who, a.by.name);
            who.title = a.by.playerId;
            text(action, a.action);
            text(target, a.target ?? '–');
            text(detail, a.detail ?? '');
            text(node, a.node);
          },
        };
      },
      'no action yet',
      'tr',
    );
  }

  update(o: AdminOverview): void {
    this.rows.render(o.actions);
  }
}

/** Channels with their last messages (direct and team channels are private and not shown). */
export class ChannelsList {
  readonly root = el('section', 'hud-card admin-card');
  private readonly rows: KeyedRows<AdminChannel>;

  constructor() {
    this.root.dataset.testid = 'admin-channels';
    const list = el('ul', 'admin-channels');
    this.root.append(el('h2', 'admin-card-title', 'Channels'), list);
    this.rows = new KeyedRows(
      list,
      (c) => c.name,
      (first) => {
        const li = el('li', 'admin-channel');
        li.dataset.testid = `admin-channel-${first.name}`;
        const head = el('div', 'admin-channel-head');
        const messages = el('ol', 'admin-channel-messages');
        li.append(head, messages);
        return {
          root: li,
          update: (c) => {
            text(head, `${c.name} · ${c.kind} · ${c.present} here · ${c.head} messages`);
            const lines = c.recent.map((m) => `${m.sender.name}: ${m.text}`);
            if (messages.dataset.lines === lines.join('\n')) return;
            messages.dataset.lines = lines.join('\n');
            messages.replaceChildren(...lines.map((line) => el('li', 'admin-channel-message', line)));
          },
        };
      },
      'no channel yet',
      'li',
    );
  }

  update(o: AdminOverview): void {
    this.rows.render(o.channels);
  }
}

/** The error and abuse counters of /metrics over the last minutes. */
export class ChartsCard {
  readonly root = el('section', 'hud-card admin-card');
  private readonly rows: KeyedRows<AdminChart>;

  constructor() {
    this.root.dataset.testid = 'admin-charts';
    const grid = el('div', 'admin-charts');
    this.root.append(el('h2', 'admin-card-title', 'Errors and abuse (this node)'), grid);
    this.rows = new KeyedRows(
      grid,
      (c) => c.metric,
      (first) => {
        const spark = new Sparkline(first.metric);
        return { root: spark.root, update: (c) => spark.update(c) };
      },
      'no samples yet',
    );
  }

  update(o: AdminOverview): void {
    this.rows.render(o.charts);
  }
}
