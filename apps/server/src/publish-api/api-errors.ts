import type { ErrorCode } from '@perihelion/protocol';
import type { FastifyError, FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { describeIssue, sendError } from '../http-errors.js';

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

/** Parses with a zod schema or throws a 400 that names the offending field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ApiError(400, 'BAD_MESSAGE', `invalid ${describeIssue(parsed.error, what)}`);
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
