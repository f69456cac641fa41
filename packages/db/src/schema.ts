/*
 * One schema for both stores (PGlite and PostgreSQL), in two parts: the engine's tables, which
 * know nothing of the game, and the game's world. Migrations (drizzle/) cover both.
 */
export * from './engine-schema.js';
export * from './game-schema.js';
