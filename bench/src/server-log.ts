/**
 * Tallies the server's warnings and errors (pino JSON lines, level >= 40) by message, so a run
 * can say e.g. "disconnecting abusive client ×12" instead of hiding it. The server runs at
 * LOG_LEVEL=warn, so these are the only lines it writes.
 */
export class ServerLogTally {
  private readonly counts = new Map<string, number>();

  /** Feeds one output line of the server. */
  line(line: string): void {
    let entry: { level?: unknown; msg?: unknown };
    try {
      entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    } catch {
      this.bump(`(not JSON) ${line.slice(0, 120)}`);
      return;
    }
    if (typeof entry.level === 'number' && entry.level >= 40) {
      this.bump(typeof entry.msg === 'string' ? entry.msg : '(no message)');
    }
  }

  /** Counts since the last call to `mark()` (or since start). */
  since(mark: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [msg, n] of this.counts) {
      const d = n - (mark.get(msg) ?? 0);
      if (d > 0) out.set(msg, d);
    }
    return out;
  }

  mark(): ReadonlyMap<string, number> {
    return new Map(this.counts);
  }

  private bump(msg: string): void {
    this.counts.set(msg, (this.counts.get(msg) ?? 0) + 1);
  }
}

export function describeTally(tally: ReadonlyMap<string, number>): string {
  return [...tally]
    .sort((a, b) => b[1] - a[1])
    .map(([msg, n]) => `"${msg}" ×${n}`)
    .join(', ');
}
