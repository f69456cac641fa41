import type { ConnOptions } from './conn-options.js';
import { FILE_MARGIN, fileLimitFor } from './fd-limit.js';

/** Connections per bot process when the count is not given. */
const PER_WORKER = 12_500;
/**
 * Connections per source address. A connection with a chosen source address gets its port when
 * it binds, before the kernel knows the destination, so one address offers ~28k ports (the
 * ephemeral range) in total, TIME_WAIT ones of a previous server included.
 */
const PER_ADDRESS = 10_000;

export interface FleetPlan {
  workers: number;
  workerFileLimit: number;
  serverFileLimit: number;
  /** Why the run cannot go ahead on this machine, or null. */
  problem: string | null;
}

/** How many bot processes, and the open-files limits: the server holds every connection at once. */
export function planFleet(opts: ConnOptions): FleetPlan {
  const serverNeeds = opts.clients + FILE_MARGIN;
  const serverFileLimit = fileLimitFor(serverNeeds);
  let workers = opts.fleets ?? Math.ceil(opts.clients / PER_WORKER);
  let workerFileLimit = fileLimitFor(Math.ceil(opts.clients / workers) + FILE_MARGIN);
  if (opts.fleets === null && workerFileLimit - FILE_MARGIN < Math.ceil(opts.clients / workers)) {
    workers = Math.ceil(opts.clients / Math.max(1, workerFileLimit - FILE_MARGIN));
    workerFileLimit = fileLimitFor(Math.ceil(opts.clients / workers) + FILE_MARGIN);
  }
  let problem: string | null = null;
  const hint =
    'raise the hard limit for the bench (e.g. `ulimit -Hn 200000` as root with CAP_SYS_RESOURCE, or LimitNOFILE= for a service)';
  if (serverFileLimit < serverNeeds) {
    problem =
      `a process may open at most ${serverFileLimit} files here (ulimit -Hn), but the server needs about ` +
      `${serverNeeds} for ${opts.clients} connections: use at most ${Math.max(0, serverFileLimit - FILE_MARGIN)} or ${hint}`;
  } else if (workerFileLimit - FILE_MARGIN < Math.ceil(opts.clients / workers)) {
    problem = `${workers} bot processes cannot hold ${opts.clients} connections under the open-files limit ${workerFileLimit}: use more (--fleets) or ${hint}`;
  }
  return { workers, workerFileLimit, serverFileLimit, problem };
}

/**
 * Source addresses for one server's connections: 127.<run>.<server>.<n>, all loopback. A block of
 * its own per server (and a random one per bench run) keeps clear of the previous server's
 * TIME_WAIT ports.
 */
export function sourceAddresses(clients: number, runOctet: number, serverIndex: number): string[] {
  const count = Math.max(1, Math.ceil(clients / PER_ADDRESS));
  return Array.from({ length: count }, (_, i) => `127.${runOctet}.${serverIndex + 1}.${i + 1}`);
}
