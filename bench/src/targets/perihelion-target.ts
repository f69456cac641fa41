import { randomBytes } from 'node:crypto';
import { PUBLISH_API_PREFIX } from '@perihelion/protocol';
import { requestJson } from '../http-json.js';
import { PerihelionServer } from '../perihelion-server.js';
import { describeTally } from '../server-log.js';
import {
  CHANNEL,
  HEARTBEAT_ENV,
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
    private readonly server: PerihelionServer,
    private readonly apiKey: string,
  ) {}

  static async start(opts: TargetStartOptions): Promise<PerihelionTarget> {
    const apiKey = randomBytes(24).toString('hex');
    const server = await PerihelionServer.start(opts, {
      capacity: 1000,
      profileDir: opts.profileDir,
      startTimeoutMs: START_TIMEOUT_MS,
      fileLimit: opts.fileLimit,
      env: {
        API_KEY: apiKey,
        SESSION_TTL_S: String(SESSION_TTL_S),
        ...HEARTBEAT_ENV,
      },
    });
    return new PerihelionTarget(server, apiKey);
  }

  get storeLabel(): string {
    return this.server.storeLabel;
  }

  get url(): string {
    return this.server.process.url;
  }

  get pid(): number {
    return this.server.process.pid;
  }

  get exited(): boolean {
    return this.server.process.exited;
  }

  memory(): Promise<ServerMemory> {
    return this.server.memory();
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
    const tally = this.server.process.log.since(new Map());
    for (const msg of tally.keys()) if (msg.startsWith('web client not built')) tally.delete(msg);
    return describeTally(tally);
  }

  recentOutput(): string {
    return this.server.process.recentOutput();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }
}
