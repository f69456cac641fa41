import { ChannelError, type Channels } from '@perihelion/engine';
import {
  type AdminAnnounced,
  type AdminKicked,
  type AdminMessageSent,
  type AdminOverview,
  type AdminRaidResult,
  adminAnnouncementSchema,
  adminKickSchema,
  adminMessageSchema,
  adminRaidParamsSchema,
  protocolError,
} from '@perihelion/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, installErrorHandler, parseOr400 } from '../publish-api/api-errors.js';
import type { RaidControlResult } from '../universe/raids.js';
import { requireAdmin } from './admin-access.js';
import type { AdminAudit } from './audit-log.js';
import type { CallerCredentials } from './caller.js';

/** The channel announcements go to: read-only for players. */
const ANNOUNCEMENTS = 'announcements';

export interface AdminRoutesOptions {
  credentials: CallerCredentials;
  audit: AdminAudit;
  overview(): Promise<AdminOverview>;
  channels: Channels;
  /** Stores a message in the player's inbox and delivers it live (the publish API's own). */
  notify(
    playerId: string,
    message: { kind: string; text: string; data?: Record<string, unknown> },
  ): Promise<{ seq: number; live: boolean } | null>;
  /** Kicks the player on every node with this message; how many game connections were closed. */
  kick(playerId: string, message: string): Promise<number>;
  raids: {
    trigger(sector: string): Promise<RaidControlResult>;
    cancel(sector: string): Promise<RaidControlResult>;
  };
}

const playerParams = z.object({ playerId: z.string().min(1).max(64) });

/** The first words of a text, for the audit log. */
function gist(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}

/**
 * The admin console's API (mounted at ADMIN_API_PREFIX, beside the cluster's /cluster and
 * /drain): the overview the console polls, and one endpoint per action. Every request needs an
 * admin (requireAdmin); every action that was carried out goes to the audit log with who took it.
 */
export async function adminRoutes(app: FastifyInstance, opts: AdminRoutesOptions): Promise<void> {
  installErrorHandler(app);
  const admin = async (req: Parameters<typeof requireAdmin>[0], reply: Parameters<typeof requireAdmin>[1]) =>
    requireAdmin(req, reply, opts.credentials);

  app.get('/overview', async (req, reply) => {
    if (!(await admin(req, reply))) return reply;
    return opts.overview();
  });

  app.post('/announcements', async (req, reply) => {
    const caller = await admin(req, reply);
    if (!caller) return reply;
    const body = parseOr400(adminAnnouncementSchema, req.body, 'body');
    let stored: { offset: number; at: number };
    try {
      stored = await opts.channels.post(ANNOUNCEMENTS, {
        text: body.text,
        senderName: body.senderName ?? caller.name,
      });
    } catch (err) {
      if (err instanceof ChannelError) throw new ApiError(400, err.error.code, err.error.message);
      throw err;
    }
    await opts.audit.record(caller, { action: 'announce', target: ANNOUNCEMENTS, detail: gist(body.text) });
    const answer: AdminAnnounced = { channel: ANNOUNCEMENTS, ...stored };
    return reply.code(201).send(answer);
  });

  app.post('/players/:playerId/messages', async (req, reply) => {
    const caller = await admin(req, reply);
    if (!caller) return reply;
    const { playerId } = parseOr400(playerParams, req.params, 'playerId');
    const body = parseOr400(adminMessageSchema, req.body, 'body');
    const sent = await opts.notify(playerId, {
      kind: 'message',
      text: body.text,
      data: { from: caller.name },
    });
    if (!sent) throw new ApiError(404, 'NOT_FOUND', `no such player: ${playerId}`);
    await opts.audit.record(caller, { action: 'message', target: playerId, detail: gist(body.text) });
    const answer: AdminMessageSent = { playerId, seq: sent.seq, delivered: sent.live ? 'live' : 'inbox' };
    return reply.code(202).send(answer);
  });

  app.post('/players/:playerId/kick', async (req, reply) => {
    const caller = await admin(req, reply);
    if (!caller) return reply;
    const { playerId } = parseOr400(playerParams, req.params, 'playerId');
    const body = parseOr400(adminKickSchema, req.body ?? {}, 'body');
    const message = `Removed from the game by an operator${body.reason ? `: ${body.reason}` : ''}.`;
    const connections = await opts.kick(playerId, message);
    if (connections === 0) throw new ApiError(404, 'NOT_FOUND', `${playerId} has no game connection to kick`);
    await opts.audit.record(caller, {
      action: 'kick',
      target: playerId,
      detail: `${connections} connection${connections === 1 ? '' : 's'}${body.reason ? `: ${gist(body.reason)}` : ''}`,
    });
    const answer: AdminKicked = { playerId, connections };
    return answer;
  });

  for (const step of ['trigger', 'cancel'] as const) {
    app.post(`/raids/:sector/${step}`, async (req, reply) => {
      const caller = await admin(req, reply);
      if (!caller) return reply;
      const { sector } = parseOr400(adminRaidParamsSchema, req.params, 'sector');
      const result = await opts.raids[step](sector);
      if (!result.ok) {
        return reply
          .code(result.status)
          .send({ error: protocolError(result.status === 404 ? 'NOT_FOUND' : 'CONFLICT', result.message) });
      }
      await opts.audit.record(caller, {
        action: step === 'trigger' ? 'raid.trigger' : 'raid.cancel',
        target: sector,
        detail: result.outcome,
      });
      const answer: AdminRaidResult = { sector, outcome: result.outcome, nextAt: result.nextAt };
      return answer;
    });
  }
}
