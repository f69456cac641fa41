/**
 * Summarises a V8 .cpuprofile (as written by `pnpm bench -- --profile`, which runs the server with
 * --cpu-prof): where the time went, by function (self and inclusive) and by package.
 *
 *   pnpm --filter @perihelion/bench profile-summary .out/profiles/250-bots/<file>.cpuprofile [top] [--last S | --first S]
 *
 * `--last S` keeps only the last S seconds of the profile: the bench stops the server right after
 * its measurement window, so that is the steady state without the start-up and the join ramp.
 * `--first S` keeps only the first S seconds instead: the start-up and the join ramp.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const work = url.indexOf('/work/main/');
  if (work >= 0) return url.slice(work + '/work/main/'.length);
  return url.replace(/^file:\/\//, '');
}

function key(f: CallFrame): string {
  const name = f.functionName || '(anonymous)';
  return f.url ? `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
}

/** "socket.io", "@perihelion/engine"-like buckets: which code the time was spent in. */
function area(f: CallFrame): string {
  const url = f.url;
  if (!url) return f.functionName.startsWith('(') ? f.functionName : 'node internals / native';
  if (url.startsWith('node:')) return 'node:* built-ins';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const m = /\/work\/main\/((?:packages|apps)\/[^/]+)\//.exec(url);
  return m ? m[1]! : shortUrl(url);
}

function table(title: string, entries: Map<string, number>, totalUs: number, top: number): string {
  const rows = [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(
    ([k, us]) =>
      `${((us / totalUs) * 100).toFixed(1).padStart(6)} %  ${(us / 1000).toFixed(0).padStart(8)} ms  ${k}`,
  );
  return [`${title}`, ...lines].join('\n');
}

function main(): void {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const lastAt = args.indexOf('--last');
  const lastSeconds = lastAt >= 0 ? Number(args.splice(lastAt, 2)[1]) : Number.POSITIVE_INFINITY;
  const firstAt = args.indexOf('--first');
  const firstSeconds = firstAt >= 0 ? Number(args.splice(firstAt, 2)[1]) : Number.POSITIVE_INFINITY;
  const [file, topArg] = args;
  if (!file || !(lastSeconds > 0) || !(firstSeconds > 0)) {
    console.error(
      'usage: tsx src/profile-summary.ts <file.cpuprofile> [top=25] [--last seconds | --first seconds]',
    );
    process.exit(2);
  }
  const top = Number(topArg ?? 25);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const span = profile.timeDeltas.reduce((sum, dt) => sum + dt, 0);
  const from = span - lastSeconds * 1e6;
  const to = firstSeconds * 1e6;
  let elapsed = 0;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    elapsed += dt;
    if (elapsed < from || elapsed > to) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const k = key(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const a = area(node.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id)!.callFrame);
      if (seen.has(kk)) continue;
      seen.add(kk);
      inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt);
    }
  }
  const busy = total - idle;
  console.log(
    `${file}\nprofiled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (${((busy / total) * 100).toFixed(0)} %); percentages are of busy time\n`,
  );
  console.log(table('by package (self time)', areas, busy, top));
  console.log('');
  console.log(table('by function, self time', self, busy, top));
  console.log('');
  inclusive.delete('(root)');
  console.log(table('by function, inclusive time', inclusive, busy, top));
}

main();
