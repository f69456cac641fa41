import { players, structures } from '@perihelion/db';
import type { BuildResult, InboxMessage } from '@perihelion/protocol';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { eventually, eventuallyAsync, type TransportName } from './testing/test-server.js';
import { accepted, contentFile, QUICK_CONTENT, universeServer } from './testing/universe-client.js';

describe('notifications for an offline player', () => {
  const { server, client } = universeServer({ CONTENT: contentFile(QUICK_CONTENT) });

  /** Builds a station core and leaves before it completes; returns the owner's token. */
  async function buildAndLeave(transport: TransportName, sector: string) {
    const owner = client(transport);
    const join = accepted(await owner.join(sector));
    await owner.mineUntil(20);
    const at = owner.shipPosition(join);
    const res = (await owner.build('station-core', at.x, at.y)) as BuildResult;
    if (!res.ok) throw new Error(res.error.message);
    owner.close();
    await eventually(() => !owner.socket.connected, 'owner offline');
    // Completion happens with nobody of the owner's online.
    await eventuallyAsync(async () => {
      const [row] = await server()
        .store.db.select()
        .from(structures)
        .where(eq(structures.id, res.structure.id));
      return row?.state === 'active';
    }, 'construction completed while offline');
    return { token: owner.profileToken, playerId: join.playerId, structureId: res.structure.id };
  }

  it.each(['websocket', 'polling'] as const)(
    'over %s: the waiting notification arrives once on the next connection, and not again after it is acknowledged',
    async (transport) => {
      const { token, playerId, structureId } = await buildAndLeave(transport, `inbox-${transport}`);

      const back = client(transport, { token });
      accepted(await back.join(`inbox-${transport}`));
      const [note] = await eventually(() => (back.inbox().length > 0 ? back.inbox() : undefined), 'inbox');
      expect(note).toMatchObject<Partial<InboxMessage>>({ seq: 1, kind: 'construction.complete' });
      expect(note!.data).toMatchObject({ structureId });
      await eventually(
        () => back.structures().get(structureId)?.state === 'active',
        'the sector shows it active',
      );
      // Unacknowledged: a reconnect delivers it again (nothing is lost) …
      back.close();
      const again = client(transport, { token });
      accepted(await again.join(`inbox-${transport}`));
      await eventually(() => again.inbox()[0]?.seq === 1, 'redelivered while unacknowledged');
      again.ack(1);
      await eventuallyAsync(async () => (await unacknowledged(playerId)) === 0, 'acknowledgement stored');
      again.close();
      // … acknowledged: never again. The next notification (seq 2) is the first this connection
      // gets: had seq 1 come again, it would have come before it.
      const last = client(transport, { token });
      const lastJoin = accepted(await last.join(`inbox-${transport}`));
      await last.mineUntil(20);
      const at = last.shipPosition(lastJoin);
      const next = (await last.build('station-core', at.x + 200, at.y)) as BuildResult;
      if (!next.ok) throw new Error(next.error.message);
      await eventually(() => last.inbox().length > 0, 'the next notification');
      expect(last.inbox().map((n) => n.seq)).toEqual([2]);
    },
  );

  async function unacknowledged(playerId: string): Promise<number> {
    const [row] = await server().store.db.select().from(players).where(eq(players.id, playerId));
    return (row?.inboxSeq ?? 0) - (row?.inboxAcked ?? 0);
  }
});
