/** A command-line mistake: main prints the message (usage text included) and exits with 2. */
export class UsageError extends Error {}

/**
 * Walks `--flag value` / `--flag=value` arguments (a lone `--`, as pnpm passes it, is skipped),
 * calling `handle(flag, value)`; `value()` consumes the next argument when there was no `=`.
 */
export function walkArgs(
  argv: readonly string[],
  handle: (flag: string, value: () => string | undefined, arg: string) => void,
): void {
  const args = argv.filter((a) => a !== '--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    handle(flag, () => (eq > 0 ? arg.slice(eq + 1) : args[++i]), arg);
  }
}

export function positiveNumber(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`${flag} needs a positive number, got ${JSON.stringify(raw ?? '')}`);
  }
  return n;
}

export function positiveInteger(flag: string, raw: string | undefined): number {
  const n = positiveNumber(flag, raw);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} takes a whole number, got ${raw}`);
  return n;
}

/** Seconds where `0` turns something off (`--quiet 0`, `--after-leave 0`); anything else must be positive. */
export function zeroOrPositive(flag: string, raw: string | undefined): number {
  const n = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(n) || n < 0) {
    throw new UsageError(`${flag} needs 0 or a positive number, got ${JSON.stringify(raw ?? '')}`);
  }
  return n;
}
