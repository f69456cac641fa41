import pg from 'pg';

const PREFIX = 'perihelion_bench_';

/**
 * A throwaway PostgreSQL database for one server run, made on the cluster `adminUrl` points at
 * (any database there will do to connect) and dropped afterwards. Its name carries the bench's pid,
 * so scratch databases left by a bench that was killed (its pid no longer alive) are dropped the
 * next time one is created.
 */
export class ScratchDatabase {
  private constructor(
    private readonly adminUrl: string,
    readonly name: string,
    /** The connection string for the server. */
    readonly url: string,
  ) {}

  static async create(adminUrl: string): Promise<ScratchDatabase> {
    const name = `${PREFIX}${process.pid}_${Date.now()}`;
    await withClient(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${PREFIX}%`],
      );
      for (const { datname } of rows) {
        const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
        if (Number.isInteger(pid) && pid > 0 && !isAlive(pid)) {
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
        }
      }
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
    });
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new ScratchDatabase(adminUrl, name, url.toString());
  }

  /** Drops the database (after the server has stopped; FORCE ends any connection still open). */
  async drop(): Promise<void> {
    await withClient(this.adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(this.name)} WITH (FORCE)`),
    );
  }
}

async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
