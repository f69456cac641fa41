import { defineConfig } from 'drizzle-kit';

/** Migrations are generated once from the pg-core schema and applied to PGlite and PostgreSQL alike. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema.ts',
  out: './drizzle',
});
