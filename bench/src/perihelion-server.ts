import { ScratchDatabase } from './scratch-db.js';
import { ServerProcess, type ServerProcessOptions } from './server-process.js';
import type { StoreOptions } from './store-options.js';
import { MEMORY_PROBE_ARGS, requestMemory } from './targets/memory-request.js';
import type { ServerMemory } from './targets/target.js';

/**
 * The Perihelion server (apps/server) as every scenario starts it: a fresh process on the chosen
 * store (PGlite in memory, or a scratch PostgreSQL database made for it and dropped when it stops),
 * with the memory probe preloaded so the bench can read its memory after a full GC.
 */
export class PerihelionServer {
  private constructor(
    readonly process: ServerProcess,
    private readonly scratch: ScratchDatabase | null,
    /** Where its data lives (for reports), e.g. "PGlite in memory". */
    readonly storeLabel: string,
  ) {}

  static async start(store: StoreOptions, opts: ServerProcessOptions): Promise<PerihelionServer> {
    const scratch = store.store === 'postgres' ? await ScratchDatabase.create(store.databaseUrl!) : null;
    try {
      const server = await ServerProcess.start({
        ...opts,
        nodeArgs: [...MEMORY_PROBE_ARGS, ...(opts.nodeArgs ?? [])],
        env: { ...opts.env, ...(scratch ? { DATABASE_URL: scratch.url } : {}) },
      });
      const label = scratch ? `PostgreSQL (scratch database ${scratch.name})` : 'PGlite in memory';
      return new PerihelionServer(server, scratch, label);
    } catch (err) {
      await scratch?.drop();
      throw err;
    }
  }

  /** RSS and V8 heap used, right after a full GC (see memory-probe.mjs). */
  memory(): Promise<ServerMemory> {
    return requestMemory(this.process.child);
  }

  /** Stops the process, then drops its scratch database (if any). */
  async stop(): Promise<void> {
    try {
      await this.process.stop();
    } finally {
      await this.scratch?.drop();
    }
  }
}
