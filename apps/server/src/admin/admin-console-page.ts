import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN_CONSOLE_PATH } from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * Serves the console's page (the web build's `admin.html`) at /admin. Its asset URLs are relative
 * (`./assets/…`), which resolve right from /admin only, so /admin/ is redirected there. The file is
 * read per request (a console is opened rarely, and a rebuilt client is picked up at once).
 */
export async function consolePage(
  app: FastifyInstance,
  webDist: string | null,
  logger: Logger,
): Promise<void> {
  const page = webDist ? join(webDist, 'admin.html') : null;
  app.get(`${ADMIN_CONSOLE_PATH}/`, async (_req, reply) => reply.redirect(ADMIN_CONSOLE_PATH, 301));
  app.get(ADMIN_CONSOLE_PATH, async (_req, reply) => {
    if (!page || !existsSync(page)) {
      logger.warn({ page }, 'admin console not built: run "pnpm build"');
      return reply
        .code(404)
        .type('text/html')
        .send(
          '<h1>Perihelion admin console</h1><p>The console is not built. Run <code>pnpm build</code>.</p>',
        );
    }
    return reply
      .type('text/html')
      .header('cache-control', 'no-cache')
      .send(await readFile(page));
  });
}
