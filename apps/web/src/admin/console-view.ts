import type { AdminOverview, AdminPlayer } from '@perihelion/protocol';
import { el } from '../game/hud/dom.js';
import { ActionBar } from './action-bar.js';
import type { AdminAnswer, AdminApi } from './admin-api.js';
import { formatTime } from './format.js';
import { text } from './keyed-rows.js';
import { AuditTable, ChannelsList, ChartsCard, TimersTable } from './log-tables.js';
import { NodesTable, PlayersTable, SectorsTable, type WorldActions } from './world-tables.js';

/**
 * How often the console asks for the overview. Polling one endpoint keeps the server side to a
 * plain authenticated GET (no socket of its own to admit, renew and fan out to), and 1.5 s is
 * live enough for a person watching.
 */
export const POLL_MS = 1500;

/** The answer's value, or the refusal as an error whose message the action bar shows. */
function answerValue<T>(answer: AdminAnswer<T>): T {
  if (!answer.ok) throw new Error(answer.message);
  return answer.value;
}

/**
 * The console once signed in: the live tables (nodes, sectors, players, timers, channels, charts,
 * audit log), the announcement form and the action bar every table's buttons open. It polls
 * GET /api/admin/overview every POLL_MS and redraws in place.
 */
export class ConsoleView implements WorldActions {
  readonly root = el('main', 'admin-console');
  private readonly status = el('p', 'admin-status');
  private readonly updated = el('span', 'admin-updated');
  private readonly bar: ActionBar;
  private readonly nodes = new NodesTable(this);
  private readonly sectors = new SectorsTable(this);
  private readonly players = new PlayersTable(this);
  private readonly timers = new TimersTable();
  private readonly channels = new ChannelsList();
  private readonly charts = new ChartsCard();
  private readonly audit = new AuditTable();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly api: AdminApi,
    who: string,
    signOut: () => void,
    extra: HTMLElement[],
  ) {
    this.root.dataset.testid = 'admin-console';
    this.status.dataset.testid = 'admin-status';
    this.status.setAttribute('role', 'status');
    this.bar = new ActionBar((sentence, ok) => this.say(sentence, ok));
    const header = el('header', 'admin-header');
    const leave = el('button', 'admin-button', 'Sign out');
    leave.type = 'button';
    leave.addEventListener('click', signOut);
    header.append(
      el('span', 'hud-brand', 'Perihelion · Admin'),
      el('span', 'admin-who', `Signed in as ${who}`),
      this.updated,
      leave,
    );
    const grid = el('div', 'admin-grid');
    grid.append(
      this.announceCard(),
      this.charts.root,
      this.nodes.root,
      this.sectors.root,
      this.players.root,
      this.timers.root,
      this.channels.root,
      ...extra,
      this.audit.root,
    );
    this.root.append(header, this.status, this.bar.root, grid);
  }

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  message(player: AdminPlayer): void {
    this.bar.open({
      title: `Message ${player.name} (delivered now, or waiting in their inbox):`,
      input: { placeholder: 'message', required: true },
      confirm: 'Send',
      run: async (textValue) => {
        const sent = answerValue(await this.api.message(player.playerId, textValue));
        return `Message to ${player.name}: ${sent.delivered === 'live' ? 'delivered' : 'waiting in the inbox'}`;
      },
    });
  }

  kick(player: AdminPlayer): void {
    this.bar.open({
      title: `Kick ${player.name} from the game? They are told why and not reconnected.`,
      input: { placeholder: 'reason (shown to the player, optional)', required: false },
      confirm: 'Kick',
      run: async (reason) => {
        const kicked = answerValue(await this.api.kick(player.playerId, reason));
        return `Kicked ${player.name} (${kicked.connections} connection${kicked.connections === 1 ? '' : 's'})`;
      },
    });
  }

  raid(sector: string, step: 'trigger' | 'cancel'): void {
    this.bar.open({
      title:
        step === 'trigger'
          ? `Send a raid to ${sector}? The warning goes out now.`
          : `Call off the raid in ${sector} (or put the next one off)?`,
      confirm: step === 'trigger' ? 'Trigger raid' : 'Call off',
      run: async () => {
        const result = answerValue(await this.api.raid(sector, step));
        return `Raid in ${sector}: ${result.outcome}`;
      },
    });
  }

  drain(node: string): void {
    this.bar.open({
      title: `Drain ${node}? Its sectors and players move to other nodes; it takes no new players.`,
      confirm: 'Drain',
      run: async () => {
        const drained = answerValue(await this.api.drain(node));
        return drained.already ? `${node} was draining already` : `Draining ${node}`;
      },
    });
  }

  private announceCard(): HTMLElement {
    const card = el('section', 'hud-card admin-card');
    const form = el('form', 'admin-announce');
    const input = el('input', 'admin-input');
    input.dataset.testid = 'admin-announce-text';
    input.placeholder = 'An announcement for everyone online';
    input.maxLength = 500;
    input.required = true;
    const send = el('button', 'admin-button admin-button-primary', 'Announce');
    send.type = 'submit';
    send.dataset.testid = 'admin-announce-send';
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) return;
      send.disabled = true;
      const answer = await this.api.announce(value);
      send.disabled = false;
      if (answer.ok) input.value = '';
      this.say(answer.ok ? `Announced (#${answer.value.offset})` : answer.message, answer.ok);
    });
    form.append(input, send);
    card.append(el('h2', 'admin-card-title', 'Announcement'), form);
    return card;
  }

  private say(sentence: string, ok: boolean): void {
    this.status.textContent = sentence;
    this.status.dataset.tone = ok ? 'good' : 'error';
  }

  private async poll(): Promise<void> {
    const answer = await this.api.overview();
    if (this.stopped) return;
    if (answer.ok) this.show(answer.value);
    else text(this.updated, `not updated: ${answer.message}`);
    this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private show(o: AdminOverview): void {
    text(
      this.updated,
      `${o.clustered ? `cluster, via ${o.node}` : o.node}${o.draining ? ' (draining)' : ''} · ${formatTime(o.at)}`,
    );
    this.nodes.update(o);
    this.sectors.update(o);
    this.players.update(o);
    this.timers.update(o);
    this.channels.update(o);
    this.charts.update(o);
    this.audit.update(o);
  }
}
