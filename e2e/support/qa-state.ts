import type { QaEntity, QaState, QaSurface, QaTransport } from '@perihelion/protocol';
import type { Page } from '@playwright/test';

/** The page's test surface, typed once in the protocol package for the page and for the tests. */
export type { QaEntity, QaState, QaSurface };
export type TransportName = QaTransport;

declare global {
  interface Window {
    __QA__?: QaSurface;
  }
}

/** Reads the page's current state, or null while the game has not installed its QA surface yet. */
export async function readState(page: Page): Promise<QaState | null> {
  return page.evaluate(() => window.__QA__?.state() ?? null);
}

export function ships(state: QaState): QaEntity[] {
  return state.entities.filter((e) => e.kind === 'ship');
}

export function shipOf(state: QaState, playerId: string): QaEntity | undefined {
  return state.entities.find((e) => e.kind === 'ship' && e.id === playerId);
}

export function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/**
 * A short, readable picture of a state for failure messages: every field, but asteroids only as a
 * count (a sector has dozens and they would bury the ships the assertion is about).
 */
export function summarizeState(state: QaState | null): string {
  if (!state) return 'no window.__QA__ yet';
  const { entities, ...rest } = state;
  const asteroids = entities.filter((e) => e.kind === 'asteroid').length;
  const shipList = ships(state).map((s) => `${s.name ?? '?'}#${s.id}@(${s.x.toFixed(1)},${s.y.toFixed(1)})`);
  return `${JSON.stringify(rest)} ships=[${shipList.join(', ')}] asteroids=${asteroids}`;
}
