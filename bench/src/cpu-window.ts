import { machineTaskCpuSeconds, processCpuSeconds } from './proc-stat.js';

/** CPU seconds used so far by the server, the bot processes, the whole machine and the bench. */
export interface CpuMark {
  at: number;
  server: number | null;
  bots: number | null;
  machine: number | null;
  bench: number;
}

export function cpuMark(serverPid: number, botPids: readonly number[]): CpuMark {
  let bots: number | null = 0;
  for (const pid of botPids) {
    const s = processCpuSeconds(pid);
    bots = s === null || bots === null ? null : bots + s;
  }
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: processCpuSeconds(serverPid),
    bots,
    machine: machineTaskCpuSeconds(),
    bench: (own.user + own.system) / 1e6,
  };
}

/** CPU used between two marks; percentages of one core (100 % = one core busy). */
export interface CpuUse {
  seconds: number;
  serverSeconds: number;
  serverPercent: number;
  botsPercent: number;
  /** Everything else on the machine: if well above zero, the window was disturbed. */
  otherPercent: number;
}

export function cpuBetween(a: CpuMark, b: CpuMark): CpuUse {
  const seconds = (b.at - a.at) / 1000;
  const diff = (x: number | null, y: number | null) => (x !== null && y !== null ? y - x : Number.NaN);
  const server = diff(a.server, b.server);
  const bots = diff(a.bots, b.bots);
  const machine = diff(a.machine, b.machine);
  const pct = (s: number) => (s / seconds) * 100;
  return {
    seconds,
    serverSeconds: server,
    serverPercent: pct(server),
    botsPercent: pct(bots),
    otherPercent: Math.max(0, pct(machine - server - bots - (b.bench - a.bench))),
  };
}
