import { el, setData, setText } from './dom.js';
import type { HudModel } from './hud-model.js';

/** Top-left card: who you are, where, with how many others, how good the line is, what you own. */
export class StatusCard {
  readonly root: HTMLElement;
  private readonly pilot: HTMLElement;
  private readonly sector: HTMLElement;
  private readonly players: HTMLElement;
  private readonly ping: HTMLElement;
  private readonly link: HTMLElement;
  private readonly ore: HTMLElement;
  private readonly credits: HTMLElement;

  constructor() {
    this.root = el('section', 'hud-card hud-status');
    this.root.setAttribute('aria-label', 'Flight status');
    this.pilot = el('div', 'hud-pilot');
    const rows = el('dl', 'hud-rows');
    const row = (label: string, className = 'hud-value') => {
      const value = el('dd', className, '—');
      rows.append(el('dt', 'hud-label', label), value);
      return value;
    };
    this.ore = row('Ore', 'hud-value hud-resource');
    this.credits = row('Credits', 'hud-value hud-resource');
    this.sector = row('Sector');
    this.players = row('Players');
    this.ping = row('Ping');
    this.link = row('Link');
    this.root.append(el('div', 'hud-brand', 'Perihelion'), this.pilot, rows);
  }

  update(model: HudModel): void {
    setText(this.pilot, model.name);
    setText(this.ore, model.profile ? String(model.profile.ore) : '—');
    setText(this.credits, model.profile ? String(model.profile.credits) : '—');
    setText(this.sector, model.sector);
    setText(this.players, model.players === null ? '—' : String(model.players));
    setText(this.ping, model.pingMs === null ? '—' : `${Math.round(model.pingMs)} ms`);
    setData(this.ping, 'quality', pingQuality(model.pingMs));
    setText(this.link, model.transport ?? '—');
    // Long-polling works, but it is the fallback: the card marks it so players know.
    setData(this.link, 'transport', model.transport ?? 'none');
  }
}

function pingQuality(pingMs: number | null): string {
  if (pingMs === null) return 'unknown';
  if (pingMs < 80) return 'good';
  if (pingMs < 200) return 'fair';
  return 'poor';
}
