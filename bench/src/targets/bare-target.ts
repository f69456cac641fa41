import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasExited, spawnTs, stopChild } from '../children.js';
import { requestJson, waitForHttpOk } from '../http-json.js';
import { OutputTail } from '../output-tail.js';
import { freePort } from '../server-process.js';
import { MEMORY_PROBE_ARGS, requestMemory } from './memory-request.js';
import {
  HEARTBEAT_ENV,
  type PublishBody,
  type ServerMemory,
  START_TIMEOUT_MS,
  type Target,
  type TargetStartOptions,
} from './target.js';

const BARE_SERVER = fileURLToPath(new URL('../bare/bare-server.ts', import.meta.url));

/** The baseline: bench/src/bare/bare-server.ts, a bare Socket.IO server in its own process. */
export class BareTarget implements Target {
  readonly kind = 'bare' as const;
  readonly storeLabel = 'none';
  private readonly output = new OutputTail(40);

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.output.attach(child.stdout);
    this.output.attach(child.stderr);
  }

  static async start(opts: TargetStartOptions): Promise<BareTarget> {
    const port = await freePort();
    const child = spawnTs(BARE_SERVER, {
      nodeArgs: [
        ...(opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : []),
        ...MEMORY_PROBE_ARGS,
      ],
      fileLimit: opts.fileLimit,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(port),
        ...HEARTBEAT_ENV,
      },
    });
    const target = new BareTarget(child, `http://127.0.0.1:${port}`);
    try {
      await waitForHttpOk(
        `${target.url}/healthz`,
        START_TIMEOUT_MS,
        () => target.exited,
        () => target.recentOutput(),
      );
    } catch (err) {
      await target.stop();
      throw err;
    }
    return target;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get exited(): boolean {
    return hasExited(this.child);
  }

  memory(): Promise<ServerMemory> {
    return requestMemory(this.child);
  }

  async publish(body: PublishBody): Promise<void> {
    const res = await requestJson('POST', `${this.url}/emit`, body);
    if (res.status !== 201) throw new Error(`the baseline answered ${res.status}`);
  }

  warnings(): string {
    return '';
  }

  recentOutput(): string {
    return this.output.text();
  }

  stop(): Promise<void> {
    return stopChild(this.child, 5000);
  }
}
