import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PGliteOptions } from '@electric-sql/pglite';

type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

/**
 * Node's WebAssembly global: the project's libraries (ES2023, no DOM) declare none, so the one
 * call made here is declared here.
 */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WasmModule> } })
  .WebAssembly;

/** What PGlite loads from its package on every open, ready to hand to `openStore`. */
export interface PgliteAssets {
  wasmModule: WasmModule;
  fsBundle: Blob;
}

/**
 * Compiles PGlite's WebAssembly module and reads its file-system bundle (PostgreSQL's share
 * files): ~130 ms of the ~550 ms an open of an existing data directory takes (measured, PGlite
 * 0.5.16, Node 20). Both depend only on the installed package, so a process can do this before it
 * may open the store: a restarting server prepares while its predecessor still holds the data
 * directory, and only the open itself falls in the gap players see.
 */
export async function loadPgliteAssets(): Promise<PgliteAssets> {
  const dist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  const [bytes, bundle] = await Promise.all([
    readFile(join(dist, 'pglite.wasm')),
    readFile(join(dist, 'pglite.data')),
  ]);
  return { wasmModule: await wasm.compile(bytes), fsBundle: new Blob([bundle]) };
}
