import { LiveLine } from './live-line.js';

export type Phase =
  | 'waiting for a quiet machine'
  | 'starting server'
  | 'idle server'
  | 'connecting bots'
  | 'warming up'
  | 'measuring'
  | 'bots left'
  | 'stopping';

export interface ProgressState {
  run: number;
  runs: number;
  bots: number;
  phase: Phase;
  phaseStartedAt: number;
  /** Planned length of the phase in seconds, when it has one. */
  phaseSeconds: number | null;
  joined: number;
  reconnecting: number;
  /** CPU others use while we wait for a quiet machine (100 % = one core). */
  othersBusyPercent: number | null;
}

/**
 * The live status of a crowd run (see LiveLine: one line rewritten in place on a terminal, plain
 * lines at each phase change and every few seconds elsewhere).
 */
export class Progress {
  private state: ProgressState | null = null;

  constructor(private readonly line: LiveLine = new LiveLine()) {}

  update(patch: Partial<ProgressState> & Pick<ProgressState, 'run' | 'runs' | 'bots'>): void {
    const phaseChanged = patch.phase !== undefined && patch.phase !== this.state?.phase;
    const state: ProgressState = {
      phase: 'starting server',
      phaseStartedAt: performance.now(),
      phaseSeconds: null,
      joined: 0,
      reconnecting: 0,
      othersBusyPercent: null,
      ...this.state,
      ...patch,
      ...(phaseChanged ? { phaseStartedAt: performance.now() } : {}),
    };
    this.state = state;
    this.line.show(`${state.run}:${state.phase}`, () => describe(state));
  }

  /** Prints a message above the live line. */
  log(message: string): void {
    this.line.log(message);
  }

  done(): void {
    this.line.done();
    this.state = null;
  }
}

function describe(s: ProgressState): string {
  const elapsed = (performance.now() - s.phaseStartedAt) / 1000;
  const time =
    s.phaseSeconds !== null
      ? `${elapsed.toFixed(1)}/${s.phaseSeconds} s (${Math.max(0, s.phaseSeconds - elapsed).toFixed(0)} s left)`
      : `${elapsed.toFixed(1)} s`;
  const parts = [`bench [${s.run}/${s.runs}] ${s.bots} bots`, `${s.phase} ${time}`];
  if (s.phase === 'waiting for a quiet machine') {
    if (s.othersBusyPercent !== null) parts.push(`others use ${s.othersBusyPercent.toFixed(0)} % of a core`);
  } else if (s.phase === 'bots left') {
    parts.push('all bots disconnected; the server memory is read when the countdown ends');
  } else if (s.phase !== 'starting server' && s.phase !== 'idle server') {
    parts.push(`connected ${s.joined}/${s.bots}`);
  }
  if (s.reconnecting > 0) parts.push(`reconnecting ${s.reconnecting}`);
  return parts.join(' | ');
}
