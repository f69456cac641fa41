/** How the console writes numbers and times: short, so a table of them stays readable. */

export function formatBytesPerSecond(bytes: number | null): string {
  if (bytes === null) return '–';
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB/s`;
  if (bytes >= 1000) return `${(bytes / 1000).toFixed(1)} kB/s`;
  return `${bytes} B/s`;
}

export function formatMs(ms: number | null, digits = 1): string {
  return ms === null ? '–' : `${ms.toFixed(digits)} ms`;
}

/** "in 4 min", "in 12 s", "now", "2 s ago": `at` against `now` (both on the server's clock). */
export function formatDue(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  if (seconds === 0) return 'now';
  const abs = Math.abs(seconds);
  const span =
    abs >= 7200 ? `${Math.round(abs / 3600)} h` : abs >= 120 ? `${Math.round(abs / 60)} min` : `${abs} s`;
  return seconds > 0 ? `in ${span}` : `${span} ago`;
}

/** A wall-clock time of day, as the operator's browser writes it. */
export function formatTime(at: number): string {
  return new Date(at).toLocaleTimeString();
}
