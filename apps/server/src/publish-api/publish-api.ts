import { ChannelError, type Channels } from '@perihelion/engine';
import {
  apiHistoryQuerySchema,
  apiPublishSchema,
  apiSendToPlayerSchema,
  channelNameSchema,
  type ErrorCode,
} from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, installErrorHandler, parseOr400 } from './api-errors.js';
import { type ApiKeys, authorize } from './api-keys.js';

export interface PlayerMessage {
  kind: string;
  text: string;
  data?: Record<string, unknown>;
}

export interface PublishApiOptions {
  keys: ApiKeys;
  channels: Channels;
  /**
   * Stores a message in the player's inbox and delivers it to their live connections. Null for an
   * unknown player; `live` says whether a connection of theirs was there to receive it at once.
   */
  sendToPlayer(playerId: string, message: PlayerMessage): Promise<{ seq: number; live: boolean } | null>;
}

const channelParams = z.object({ channel: channelNameSchema });
const memberParams = z.object({ channel: channelNameSchema, playerId: z.string().min(1).max(64) });
const playerParams = z.object({ playerId: z.string().min(1).max(64) });

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  BAD_MESSAGE: 400,
  UNAVAILABLE: 503,
};

/** The engine's refusals as HTTP answers. */
async function orApiError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof ChannelError) {
      throw new ApiError(STATUS_OF[err.error.code] ?? 400, err.error.code, err.error.message);
    }
    throw err;
  }
}

/**
 * The HTTP API for backends (mounted at PUBLISH_API_PREFIX): publish into any channel, message one
 * player (live or into their inbox), read a channel's recent history and who is in it, and, with
 * the admin token, manage the members of private channels. Bodies are checked with the protocol's
 * zod schemas; every refusal is JSON `{ error: { code, message } }`.
 */
export async function publishApi(app: FastifyInstance, opts: PublishApiOptions): Promise<void> {
  installErrorHandler(app);
  // Before the body is read: a caller without a valid key gets 401, not a parse of its payload.
  app.addHook('onRequest', async (req) => {
    authorize(req, opts.keys, 'publish');
  });

  app.post('/channels/:channel/messages', async (req, reply) => {
    const { channel } = parseOr400(channelParams, req.params, 'channel');
    const body = parseOr400(apiPublishSchema, req.body, 'body');
    const stored = await orApiError(() =>
      opts.channels.post(channel, {
        text: body.text,
        ...(body.senderName ? { senderName: body.senderName } : {}),
        ...(body.data ? { data: body.data } : {}),
        ...(body.idempotencyKey ? { nonce: body.idempotencyKey } : {}),
      }),
    );
    return reply.code(201).send({ channel, offset: stored.offset, at: stored.at });
  });

  app.get('/channels/:channel/messages', async (req) => {
    const { channel } = parseOr400(channelParams, req.params, 'channel');
    const query = parseOr400(apiHistoryQuerySchema, req.query, 'query');
    const history = await orApiError(() =>
      opts.channels.history(channel, {
        ...(query.after !== undefined ? { after: query.after } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    );
    return { channel, ...history };
  });

  app.get('/channels/:channel/presence', async (req) => {
    const { channel } = parseOr400(channelParams, req.params, 'channel');
    if (!opts.channels.kindOf(channel)) throw new ApiError(404, 'NOT_FOUND', `no such channel: ${channel}`);
    return { channel, players: opts.channels.presence(channel) };
  });

  app.put('/channels/:channel/members/:playerId', async (req, reply) => {
    authorize(req, opts.keys, 'admin');
    const { channel, playerId } = parseOr400(memberParams, req.params, 'path');
    await orApiError(() => opts.channels.addMember(channel, playerId));
    return reply.code(204).send();
  });

  app.delete('/channels/:channel/members/:playerId', async (req, reply) => {
    authorize(req, opts.keys, 'admin');
    const { channel, playerId } = parseOr400(memberParams, req.params, 'path');
    await orApiError(() => opts.channels.removeMember(channel, playerId));
    return reply.code(204).send();
  });

  app.post('/players/:playerId/messages', async (req, reply) => {
    const { playerId } = parseOr400(playerParams, req.params, 'playerId');
    const body = parseOr400(apiSendToPlayerSchema, req.body, 'body');
    const sent = await opts.sendToPlayer(playerId, {
      kind: body.kind ?? 'message',
      text: body.text,
      ...(body.data ? { data: body.data } : {}),
      ...(body.idempotencyKey ? { nonce: body.idempotencyKey } : {}),
    });
    if (!sent) throw new ApiError(404, 'NOT_FOUND', `no such player: ${playerId}`);
    return reply.code(202).send({ playerId, seq: sent.seq, delivered: sent.live ? 'live' : 'inbox' });
  });
}
