import { relative } from 'node:path';
import { compileServer } from './compile.js';

/** `pnpm --filter @perihelion/server build` (part of `pnpm build`): see compile.ts. */
async function main(): Promise<void> {
  const result = await compileServer();
  const shown = relative(process.cwd(), result.outfile);
  if (result.problems.length > 0) {
    console.error(`the compiled server (${shown}) would not run:\n  ${result.problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(
    `compiled the server: ${shown} (${Math.round(result.bytes / 1024)} kB; ${result.externals.length} packages from node_modules). Run it with: pnpm start`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
