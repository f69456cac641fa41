import { type ErrorCode, protocolError } from '@perihelion/protocol';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/**
 * Every refusal of the server's HTTP endpoints has this body: a stable code to branch on and a
 * sentence to read.
 */
export interface HttpErrorBody {
  error: { code: ErrorCode; message: string };
}

export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
): FastifyReply {
  const body: HttpErrorBody = { error: protocolError(code, message) };
  return reply.code(status).send(body);
}

/** The first problem zod found, with the field it is about (`what` names the whole value). */
export function describeIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  if (!issue) return `bad ${what}`;
  if (issue.code === 'unrecognized_keys') {
    return `${what}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  }
  if (issue.path.length === 0) {
    return issue.code === 'invalid_type' && issue.expected === 'object'
      ? `${what} must be a JSON object (${issue.message})`
      : `${what}: ${issue.message}`;
  }
  return `${what}.${issue.path.join('.')}: ${issue.message}`;
}
