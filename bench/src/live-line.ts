const TTY_REFRESH_MS = 200;
const PLAIN_EVERY_MS = 5000;

/**
 * A live status line on stderr (stdout carries only the results): rewritten in place on a
 * terminal; on anything else (CI logs, a pipe) printed as a plain line whenever its `key` changes
 * (a new phase) and every few seconds.
 */
export class LiveLine {
  private render: (() => string) | null = null;
  private key: string | null = null;
  private printedKey: string | null = null;
  private lastPlainAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = out.isTTY === true;
  }

  /** Shows `render()` from now on (re-rendered periodically); `key` names the phase. */
  show(key: string, render: () => string): void {
    this.key = key;
    this.render = render;
    if (!this.timer) {
      this.timer = setInterval(() => this.draw(), this.tty ? TTY_REFRESH_MS : 1000);
      this.timer.unref();
    }
    this.draw();
  }

  /** Prints a message above the live line. */
  log(message: string): void {
    this.clear();
    this.out.write(`${message}\n`);
    this.draw();
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
    this.render = null;
  }

  private clear(): void {
    if (this.tty) this.out.write('\r\x1b[2K');
  }

  private draw(): void {
    if (!this.render) return;
    const line = this.render();
    if (this.tty) {
      const width = this.out.columns || 120;
      this.out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
      return;
    }
    const now = performance.now();
    if (this.key !== this.printedKey || now - this.lastPlainAt >= PLAIN_EVERY_MS) {
      this.printedKey = this.key;
      this.lastPlainAt = now;
      this.out.write(`${line}\n`);
    }
  }
}
