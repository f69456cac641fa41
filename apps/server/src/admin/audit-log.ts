import { adminActions, type Db } from '@perihelion/db';
import type { AdminAction, AdminActionKind } from '@perihelion/protocol';
import { adminActionKindSchema } from '@perihelion/protocol';
import { desc } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Caller } from './caller.js';

/** What an action was about and what it did, for the log and the console's table. */
export interface AuditEntry {
  action: AdminActionKind;
  target: string | null;
  detail: string | null;
}

/**
 * The admin console's audit log: every operator action is written to the log (pino, at warn, so
 * it shows at any sensible level) and stored (admin_actions) with who took it and on which node,
 * so every node of a cluster shows the same recent actions.
 */
export class AdminAudit {
  constructor(
    private readonly db: Db,
    private readonly nodeId: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Records an action that has been carried out. A store that cannot take the row loses only the
   * row (the action happened, and the log line says so).
   */
  async record(caller: Caller, entry: AuditEntry): Promise<void> {
    this.logger.warn(
      { admin: caller.playerId, adminName: caller.name, action: entry.action, target: entry.target },
      'admin action: %s%s',
      entry.action,
      entry.detail ? ` (${entry.detail})` : '',
    );
    try {
      await this.db.insert(adminActions).values({
        actorId: caller.playerId,
        actorName: caller.name,
        action: entry.action,
        target: entry.target,
        detail: entry.detail,
        node: this.nodeId,
      });
    } catch (err) {
      this.logger.error({ err, action: entry.action }, 'could not store an admin action in the audit log');
    }
  }

  /** The newest actions first. */
  async recent(limit: number): Promise<AdminAction[]> {
    const rows = await this.db.select().from(adminActions).orderBy(desc(adminActions.id)).limit(limit);
    return rows.flatMap((row) => {
      const action = adminActionKindSchema.safeParse(row.action);
      // A kind a newer server wrote is left out rather than shown wrong.
      if (!action.success) return [];
      return [
        {
          id: row.id,
          at: row.at.getTime(),
          by: { playerId: row.actorId, name: row.actorName },
          action: action.data,
          target: row.target,
          detail: row.detail,
          node: row.node,
        },
      ];
    });
  }
}
