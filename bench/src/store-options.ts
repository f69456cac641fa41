import { UsageError } from './args.js';

/** Where the Perihelion server keeps its data: embedded PGlite in memory, or a PostgreSQL database. */
export type StoreKind = 'pglite' | 'postgres';

/** `--store` and `--database-url`, the same in every scenario. */
export interface StoreOptions {
  store: StoreKind;
  /** For `--store postgres`: any database of the cluster; a scratch database is made beside it per server. */
  databaseUrl: string | undefined;
}

export function defaultStoreOptions(): StoreOptions {
  return { store: 'pglite', databaseUrl: process.env.DATABASE_URL || undefined };
}

export const STORE_USAGE = `  --store pglite        Perihelion's store: pglite (in memory) or postgres (a scratch database per
                        server on the cluster of DATABASE_URL or --database-url, dropped afterwards)
  --database-url URL    e.g. postgres://postgres@127.0.0.1:5432/test (default: $DATABASE_URL)`;

/** Takes `--store` / `--database-url` into `opts`; false for any other flag. */
export function parseStoreFlag(opts: StoreOptions, flag: string, value: () => string | undefined): boolean {
  switch (flag) {
    case '--store': {
      const raw = value();
      if (raw !== 'pglite' && raw !== 'postgres') {
        throw new UsageError(`--store takes pglite or postgres, got ${JSON.stringify(raw ?? '')}`);
      }
      opts.store = raw;
      return true;
    }
    case '--database-url':
      opts.databaseUrl = value();
      return true;
    default:
      return false;
  }
}

/** After parsing: `--store postgres` needs somewhere to make its scratch databases. */
export function checkStoreOptions(opts: StoreOptions): void {
  if (opts.store === 'postgres' && !/^postgres(ql)?:\/\//.test(opts.databaseUrl ?? '')) {
    throw new UsageError('--store postgres needs DATABASE_URL or --database-url (a postgres:// URL)');
  }
}

/** The store flags of the command line that reproduces a run (the URL is left out: it may hold a password). */
export function storeCommandLine(opts: StoreOptions): string[] {
  return opts.store === 'pglite' ? [] : [`--store ${opts.store}`];
}

/** The store for a report header, e.g. "PostgreSQL, a scratch database per server on 127.0.0.1:5432". */
export function describeStore(opts: StoreOptions): string {
  if (opts.store === 'pglite') return 'PGlite in memory';
  let where = 'the cluster of --database-url';
  try {
    where = new URL(opts.databaseUrl ?? '').host || where;
  } catch {
    // checkStoreOptions has seen it; keep the generic wording
  }
  return `PostgreSQL, a scratch database per server on ${where}`;
}
