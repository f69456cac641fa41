import type { ErrorCode } from '@perihelion/protocol';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';

/** Every refusal of the HTTP API has this body: a stable code to branch on and a sentence to read. */
export interface ApiErrorBody {
  error: { code: ErrorCode; message: string };
}

/** An expected refusal, thrown from a handler and turned into its JSON answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const body: ApiErrorBody = { error: { code, message } };
  return reply.code(status).send(body);
}

/** Parses with a zod schema or throws a 400 that names the offending field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${what}.${issue.path.join('.')}` : what;
  throw new ApiError(400, 'BAD_MESSAGE', `invalid ${where}: ${issue?.message ?? 'bad shape'}`);
}

/**
 * Answers every error inside the plugin as JSON with a code: our own refusals as they are, body
 * parsing failures (bad JSON, too large, wrong content type) as 4xx, anything else as a logged 500.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err.status, err.code, err.message);
    const status = err.statusCode ?? 500;
    if (status === 413) return sendError(reply, 413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
    if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_MESSAGE', err.message);
    req.log.error({ err }, 'publish API request failed');
    return sendError(reply, 500, 'INTERNAL', 'the server failed to handle that request');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'NOT_FOUND', `no such endpoint: ${req.method} ${req.url.split('?')[0]}`),
  );
}
