import { readFileSync } from 'node:fs';

/**
 * Kernel clock ticks per second for /proc/<pid>/stat times. 100 on every Linux the bench is
 * likely to meet (USER_HZ is fixed at 100 for x86 and arm64 user space).
 */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; null off Linux. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) are at 11 and 12 counted from field 3.
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return (utime + stime) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds the machine's tasks have used so far (user, nice and system time of all cores),
 * from the first line of /proc/stat; null off Linux. Interrupt and softirq time is left out: the
 * loopback network traffic of the benchmark itself lands there, charged to no process. Compared
 * with the server's, the bots' and the bench's own CPU time it tells how much else was running.
 */
export function machineTaskCpuSeconds(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [label, user, nice, system] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    const busy = Number(user) + Number(nice) + Number(system);
    return Number.isFinite(busy) ? busy / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
