/**
 * The compiled server (`pnpm build`), relative to apps/server, and how `pnpm start` runs it:
 * plain node, with source maps on so a stack trace names the TypeScript file and line. Kept in
 * step with the "start" script of apps/server/package.json.
 */
export const COMPILED_ENTRY = 'dist/main.js';
export const COMPILED_NODE_ARGS: readonly string[] = ['--enable-source-maps'];
