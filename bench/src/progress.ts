export type Phase =
  | 'waiting for a quiet machine'
  | 'starting server'
  | 'connecting bots'
  | 'warming up'
  | 'measuring'
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

const TTY_REFRESH_MS = 200;
const PLAIN_EVERY_MS = 5000;

/**
 * The live status of a run: one line rewritten in place on a terminal; on anything else (CI logs,
 * a pipe) a plain line at each phase change and every few seconds. Written to stderr, so stdout
 * carries only the results.
 */
export class Progress {
  private state: ProgressState | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastPlainAt = 0;
  private lastPhase: string | null = null;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true;
  }

  update(patch: Partial<ProgressState> & Pick<ProgressState, 'run' | 'runs' | 'bots'>): void {
    const phaseChanged = patch.phase !== undefined && patch.phase !== this.state?.phase;
    this.state = {
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
    if (!this.timer) {
      this.timer = setInterval(() => this.render(false), this.tty ? TTY_REFRESH_MS : 1000);
      this.timer.unref();
    }
    this.render(phaseChanged);
  }

  /** Prints a message above the live line. */
  log(message: string): void {
    this.clearLine();
    this.out.write(`${message}\n`);
    this.render(false);
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clearLine();
    this.state = null;
  }

  private clearLine(): void {
    if (this.tty) this.out.write('\r\x1b[2K');
  }

  private render(phaseChanged: boolean): void {
    const s = this.state;
    if (!s) return;
    const line = describe(s);
    if (this.tty) {
      const width = this.out.columns || 120;
      this.out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      return;
    }
    const now = performance.now();
    const key = `${s.run}:${s.phase}`;
    if (phaseChanged || key !== this.lastPhase || now - this.lastPlainAt >= PLAIN_EVERY_MS) {
      this.lastPhase = key;
      this.lastPlainAt = now;
      this.out.write(`${line}\n`);
    }
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
  } else if (s.phase !== 'starting server') {
    parts.push(`connected ${s.joined}/${s.bots}`);
  }
  if (s.reconnecting > 0) parts.push(`reconnecting ${s.reconnecting}`);
  return parts.join(' | ');
}
