import { existsSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';
import { COMPILED_ENTRY } from './compiled-entry.js';

/*
 * `pnpm build` compiles the server to one JavaScript file, dist/main.js, that plain node runs: the
 * server's sources and the workspace packages it uses (engine, protocol, game, db; TypeScript, and
 * the game's content JSON) are bundled in by esbuild; every other package stays an import, loaded
 * from node_modules at run time (PGlite finds its WebAssembly beside its own files, pino starts
 * its transport workers from its own files, etc.).
 *
 * Files found at run time through import.meta.url hold in the bundle: dist/main.js sits at the
 * depth of src/server.ts (../../web/dist is the built page either way), and the workspace
 * packages' own files (the database migrations, the content JSON) are found through their
 * package names, which resolve from apps/server as from the package itself.
 */

const serverDir = fileURLToPath(new URL('../../', import.meta.url));

/** Packages of this workspace: compiled into the bundle. */
const WORKSPACE_SCOPE = '@perihelion/';

export interface CompileOptions {
  /** Where main.js goes; default apps/server/dist. */
  outDir?: string;
}

export interface CompileResult {
  outfile: string;
  bytes: number;
  /** The packages the bundle imports from node_modules (builtins aside). */
  externals: string[];
  /** Why the bundle would not run from where it is; empty when it would. */
  problems: string[];
}

/** Bare imports of anything but a workspace package stay imports. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith(WORKSPACE_SCOPE) ? undefined : { path: args.path, external: true },
    );
  },
};

export async function compileServer(opts: CompileOptions = {}): Promise<CompileResult> {
  const outfile = resolve(opts.outDir ?? dirname(join(serverDir, COMPILED_ENTRY)), 'main.js');
  // No map of an earlier build may outlive it (esbuild writes both files, but a failed build
  // would leave the old ones looking current).
  for (const file of [outfile, `${outfile}.map`]) rmSync(file, { force: true });
  const result = await build({
    absWorkingDir: serverDir,
    entryPoints: ['src/main.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // The map lets `node --enable-source-maps` name the TypeScript file and line in a stack trace;
    // the sources themselves stay out of it (they are in the repository).
    sourcemap: 'linked',
    sourcesContent: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [externalPackages],
  });
  const externals = externalImports(result.metafile);
  return {
    outfile,
    bytes: statSync(outfile).size,
    externals: [...new Set(externals.map((e) => e.name))].sort(),
    problems: externalProblems(externals, dirname(outfile)),
  };
}

interface ExternalImport {
  /** The package name ("pg", "@electric-sql/pglite"), from a specifier like "drizzle-orm/pglite". */
  name: string;
  /** Absolute path of the file that imports it. */
  importer: string;
}

function externalImports(metafile: Metafile): ExternalImport[] {
  const found: ExternalImport[] = [];
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const imp of imports) {
      if (!imp.external || isBuiltin(imp.path)) continue;
      found.push({ name: packageName(imp.path), importer: resolve(serverDir, input) });
    }
  }
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/**
 * Every external must load from the bundle's directory as the same copy its importer was tested
 * with. pnpm gives each package only its own dependencies, so one that a workspace package
 * depends on (jose for the engine) is missing from apps/server unless the server lists it too; a
 * different version range there could load a different copy. And it must be a dependency, not a
 * devDependency, which a production install leaves out.
 */
function externalProblems(externals: readonly ExternalImport[], bundleDir: string): string[] {
  const manifest: unknown = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8'));
  const dependencies = new Set(Object.keys(dependenciesOf(manifest)));
  const problems = new Set<string>();
  for (const { name, importer } of externals) {
    const by = relative(serverDir, importer);
    const fromBundle = packageDir(name, bundleDir);
    const fromImporter = packageDir(name, dirname(importer));
    if (!dependencies.has(name)) {
      problems.add(`${name} (imported by ${by}) is not in the dependencies of apps/server/package.json`);
    } else if (!fromBundle) {
      problems.add(`${name} (imported by ${by}) is not installed for apps/server: run pnpm install`);
    } else if (fromImporter && fromImporter !== fromBundle) {
      problems.add(
        `${name}: apps/server loads ${version(fromBundle)} but ${by} was built against ${version(fromImporter)}; give both the same version range`,
      );
    }
  }
  return [...problems];
}

function dependenciesOf(manifest: unknown): Record<string, unknown> {
  if (typeof manifest !== 'object' || manifest === null || !('dependencies' in manifest)) return {};
  const deps = manifest.dependencies;
  return typeof deps === 'object' && deps !== null ? (deps as Record<string, unknown>) : {};
}

/** The package's directory as Node finds it from `fromDir` (node_modules up the tree), real path. */
function packageDir(name: string, fromDir: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return null;
  }
}

function version(dir: string): string {
  const manifest: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const v =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : '';
  return `${relative(serverDir, dir)} (${String(v)})`;
}
