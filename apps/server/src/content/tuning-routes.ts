import {
  type ContentIssue,
  type ErrorCode,
  protocolError,
  type TuningState,
  tuningRequestSchema,
} from '@perihelion/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type Caller, type CallerCredentials, identifyCaller } from '../admin/caller.js';
import { describeIssue, sendError } from '../http-errors.js';
import type { ContentFiles } from './content-files.js';
import type { ContentWatch } from './content-watch.js';
import type { LiveContent } from './live-content.js';
import type { Tuning, TuningOutcome } from './tuning.js';
import { writeTunedToFiles } from './tuning-write-back.js';

/** Who may tune (TUNING): admins only, any signed-in player (development), or nobody. */
export type TuningAccess = 'admin' | 'open' | 'off';

export interface TuningRoutesOptions {
  tuning: Tuning;
  live: LiveContent;
  access: TuningAccess;
  credentials: CallerCredentials;
  /** The watched content files (development): write-back is possible only then. */
  files: ContentFiles | null;
  watch: ContentWatch | null;
}

const idParams = z.object({ id: z.coerce.number().int().positive() });

const STATUS_CODES: Record<400 | 404 | 409, ErrorCode> = {
  400: 'BAD_MESSAGE',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/**
 * The tuning API (mounted at /api/tuning), for the page's tuning panel and the admin console:
 * GET the content in force with the tuned values and the audit log; POST values to set; POST
 * /:id/revert; POST /write-back (development) to save the tuned values into the content files.
 * Authorization: Bearer <a session's access token> (or the ADMIN_TOKEN); every change is logged
 * and stored with the caller's name.
 */
export async function tuningRoutes(app: FastifyInstance, opts: TuningRoutesOptions): Promise<void> {
  const { tuning, live } = opts;

  /** The caller, or null once a refusal has been sent. */
  async function allowed(req: FastifyRequest, reply: FastifyReply): Promise<Caller | null> {
    reply.header('cache-control', 'no-store');
    if (opts.access === 'off') {
      sendError(reply, 404, 'NOT_FOUND', 'live tuning is off on this server (TUNING=off)');
      return null;
    }
    const who = await identifyCaller(req, opts.credentials);
    if (!who.ok) {
      sendError(reply, who.status, 'UNAUTHENTICATED', who.message);
      return null;
    }
    if (opts.access === 'admin' && who.caller.role !== 'admin') {
      sendError(reply, 403, 'FORBIDDEN', 'tuning needs an admin session on this server (TUNING=admin)');
      return null;
    }
    return who.caller;
  }

  function answer(reply: FastifyReply, outcome: TuningOutcome) {
    if (outcome.ok) return { change: outcome.change, version: live.version };
    const body: { error: ReturnType<typeof protocolError>; issues?: ContentIssue[] } = {
      error: protocolError(STATUS_CODES[outcome.status], outcome.message),
    };
    if (outcome.issues) body.issues = outcome.issues;
    return reply.code(outcome.status).send(body);
  }

  app.get('/', async (req, reply) => {
    if (!(await allowed(req, reply))) return reply;
    const state: TuningState = {
      version: live.version,
      content: live.current,
      tuned: { ...live.tuned },
      problem: live.problem,
      changes: await tuning.history(),
      canWriteBack: opts.files !== null && opts.watch !== null,
    };
    return state;
  });

  app.post('/', async (req, reply) => {
    const caller = await allowed(req, reply);
    if (!caller) return reply;
    const parsed = tuningRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      return sendError(
        reply,
        400,
        'BAD_MESSAGE',
        `invalid tuning request: ${describeIssue(parsed.error, 'body')}`,
      );
    }
    return answer(reply, await tuning.set(caller, parsed.data));
  });

  app.post('/:id/revert', async (req, reply) => {
    const caller = await allowed(req, reply);
    if (!caller) return reply;
    const params = idParams.safeParse(req.params);
    if (!params.success)
      return sendError(reply, 400, 'BAD_MESSAGE', 'a change id is a positive whole number');
    return answer(reply, await tuning.revert(caller, params.data.id));
  });

  app.post('/write-back', async (req, reply) => {
    const caller = await allowed(req, reply);
    if (!caller) return reply;
    const { files, watch } = opts;
    if (!files || !watch) {
      return sendError(
        reply,
        409,
        'CONFLICT',
        'only a server that watches its content files can write to them (development, CONTENT_WATCH=on)',
      );
    }
    const written = await writeTunedToFiles(files, live.tuned);
    // The files now hold the values: read them before the tuning ends, so the content never
    // changes in between.
    await watch.reload();
    const outcome = await tuning.untuneAll(caller, `written to ${written.map((w) => w.file).join(', ')}`);
    if (!outcome.ok) return answer(reply, outcome);
    req.log.info({ by: caller.playerId, written }, 'tuned values written to the content files');
    return { written, change: outcome.change, version: live.version };
  });
}
