/** PostgreSQL's unique_violation, through drizzle's wrapping (the driver's error is a `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
