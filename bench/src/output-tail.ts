import type { Readable } from 'node:stream';

/**
 * Keeps the last lines a child wrote (its stdout/stderr are piped so they cannot garble the
 * progress display); shown when the child fails. Also hands each line to `onLine`.
 */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(
    private readonly max = 40,
    private readonly onLine?: (line: string) => void,
  ) {}

  attach(stream: Readable | null): void {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => this.push(chunk));
  }

  private push(chunk: string): void {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() === '') continue;
      this.lines.push(line);
      if (this.lines.length > this.max) this.lines.shift();
      this.onLine?.(line);
    }
  }

  text(): string {
    return [...this.lines, this.partial].filter((l) => l !== '').join('\n');
  }
}
