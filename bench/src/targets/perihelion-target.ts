import { randomBytes } from 'node:crypto';
import { PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { requestJson } from '../http-json.js';
import { ScratchDatabase } from '../scratch-db.js';
import { describeTally } from '../server-log.js';
import { ServerProcess } from '../server-process.js';
import { MEMORY_PROBE_ARGS, requestMemory } from './memory-request.js';
import {
  CHANNEL,
  HEARTBEAT,
  type PublishBody,
  type ServerMemory,
  START_TIMEOUT_MS,
  type Target,
  type TargetStartOptions,
} from './target.js';

/**
 * Access tokens outlive the run: the bench's bots do not renew sessions (a browser tab would,
 * every ~12 minutes by default), so renewals stay out of the measured windows.
 */
const SESSION_TTL_S = 3600;

/** The Perihelion server (apps/server) as the bench starts it, with the publish API enabled. */
export class PerihelionTarget implements Target {
  readonly kind = 'perihelion' as const;

  private constructor(
    private readonly server: ServerProcess,
    private readonly apiKey: string,
    private readonly scratch: ScratchDatabase | null,
    readonly storeLabel: string,
  ) {}

  static async start(opts: TargetStartOptions): Promise<PerihelionTarget> {
    const scratch = opts.store === 'postgres' ? await ScratchDatabase.create(opts.databaseUrl!) : null;
    const apiKey = randomBytes(24).toString('hex');
    try {
      const server = await ServerProcess.start({
        capacity: 1000,
        profileDir: opts.profileDir,
        startTimeoutMs: START_TIMEOUT_MS,
        nodeArgs: MEMORY_PROBE_ARGS,
        fileLimit: opts.fileLimit,
        env: {
          API_KEY: apiKey,
          SESSION_TTL_S: String(SESSION_TTL_S),
          PING_INTERVAL_MS: String(HEARTBEAT.pingIntervalMs),
          PING_TIMEOUT_MS: String(HEARTBEAT.pingTimeoutMs),
          ...(scratch ? { DATABASE_URL: scratch.url } : {}),
        },
      });
      const label = scratch ? `PostgreSQL (scratch database ${scratch.name})` : 'PGlite in memory';
      return new PerihelionTarget(server, apiKey, scratch, label);
    } catch (err) {
      await scratch?.drop();
      throw err;
    }
  }

  get url(): string {
    return this.server.url;
  }

  get pid(): number {
    return this.server.pid;
  }

  get exited(): boolean {
    return this.server.exited;
  }

  memory(): Promise<ServerMemory> {
    return requestMemory(this.server.child);
  }

  async publish(body: PublishBody): Promise<void> {
    const res = await requestJson(
      'POST',
      `${this.url}${PUBLISH_API_PREFIX}/channels/${CHANNEL}/messages`,
      body,
      {
        headers: { authorization: `Bearer ${this.apiKey}` },
      },
    );
    if (res.status !== 201)
      throw new Error(`the publish API answered ${res.status}: ${JSON.stringify(res.body)}`);
  }

  warnings(): string {
    // The start-up warning about the unbuilt web client is expected.
    const tally = this.server.log.since(new Map());
    for (const msg of tally.keys()) if (msg.startsWith('web client not built')) tally.delete(msg);
    return describeTally(tally);
  }

  recentOutput(): string {
    return this.server.recentOutput();
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
    } finally {
      await this.scratch?.drop();
    }
  }
}
