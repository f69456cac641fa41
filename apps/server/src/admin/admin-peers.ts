import { randomUUID } from 'node:crypto';
import type { Server } from 'socket.io';
import { z } from 'zod';
import { type NodeView, nodeViewSchema } from './node-view.js';

/** The server-side events of the admin console between the nodes of a cluster. */
const ASK = 'perihelion:admin-ask';
const ANSWER = 'perihelion:admin-answer';

const askSchema = z.discriminatedUnion('what', [
  z.object({ id: z.string(), from: z.string(), what: z.literal('view') }),
  z.object({
    id: z.string(),
    from: z.string(),
    what: z.literal('kick'),
    playerId: z.string(),
    message: z.string(),
  }),
]);
type Question = { what: 'view' } | { what: 'kick'; playerId: string; message: string };

const answerSchema = z.object({ id: z.string(), to: z.string(), node: z.string(), value: z.unknown() });

/**
 * How long the other nodes' answers are waited for: past this the console shows what came and
 * names the nodes that did not answer (e.g. one that just crashed and is still listed for a few
 * seconds).
 */
export const PEER_TIMEOUT_MS = 1000;

export interface AdminPeersOptions {
  io: Server;
  nodeId: string;
  /** Whether the adapter spans nodes (the in-memory one has no one to ask). */
  clustered: boolean;
  /** This node's view, to answer the others with. */
  view(): NodeView;
  /** Kicks the player's connections on this node; how many were closed. */
  kick(playerId: string, message: string): number;
}

interface Pending {
  expected: Set<string>;
  answers: Map<string, unknown>;
  finish(): void;
}

/**
 * The admin console across a cluster: the node a console asks gathers every other node's sectors
 * and players, and passes a kick on to them, through Socket.IO's adapter (one broadcast over Redis
 * each way). The question names the node that asks; each node answers it with its own id, so the
 * asker stops as soon as every live node (from the load reports) has answered, or after
 * PEER_TIMEOUT_MS with what came. The node list itself comes from the load reports (NodeLoads).
 */
export class AdminPeers {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly opts: AdminPeersOptions) {
    if (!opts.clustered) return;
    opts.io.on(ASK, (raw: unknown) => {
      const ask = askSchema.safeParse(raw);
      if (!ask.success || ask.data.from === opts.nodeId) return;
      const value = ask.data.what === 'view' ? opts.view() : opts.kick(ask.data.playerId, ask.data.message);
      opts.io.serverSideEmit(ANSWER, { id: ask.data.id, to: ask.data.from, node: opts.nodeId, value });
    });
    opts.io.on(ANSWER, (raw: unknown) => {
      const answer = answerSchema.safeParse(raw);
      if (!answer.success || answer.data.to !== opts.nodeId) return;
      const pending = this.pending.get(answer.data.id);
      if (!pending) return;
      pending.answers.set(answer.data.node, answer.data.value);
      pending.expected.delete(answer.data.node);
      if (pending.expected.size === 0) pending.finish();
    });
  }

  /** The views of the `others` (live nodes but this one) that answered in time. */
  async views(others: readonly string[]): Promise<NodeView[]> {
    const answers = await this.ask({ what: 'view' }, others);
    return [...answers.values()].flatMap((answer) => {
      const view = nodeViewSchema.safeParse(answer);
      return view.success ? [view.data] : [];
    });
  }

  /** Kicks the player on the `others`; how many connections they closed. */
  async kickElsewhere(playerId: string, message: string, others: readonly string[]): Promise<number> {
    const answers = await this.ask({ what: 'kick', playerId, message }, others);
    return [...answers.values()].reduce<number>((sum, n) => sum + (typeof n === 'number' ? n : 0), 0);
  }

  private ask(question: Question, others: readonly string[]): Promise<Map<string, unknown>> {
    const expected = new Set(others.filter((node) => node !== this.opts.nodeId));
    if (!this.opts.clustered || expected.size === 0) return Promise.resolve(new Map());
    const id = randomUUID();
    return new Promise((resolve) => {
      const answers = new Map<string, unknown>();
      const finish = () => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(answers);
      };
      const timer = setTimeout(finish, PEER_TIMEOUT_MS);
      this.pending.set(id, { expected, answers, finish });
      this.opts.io.serverSideEmit(ASK, { ...question, id, from: this.opts.nodeId });
    });
  }
}
