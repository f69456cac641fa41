import { randomBytes } from 'node:crypto';
import type { BusErrorReporter } from './bus.js';
import type { LeaseClaim, LeaseLostListener, RoomLeases } from './leases.js';
import { closeRedis, openRedis, type RedisClient } from './redis-connection.js';

export interface RedisLeasesOptions {
  url: string;
  nodeId: string;
  /** Prefix of every key: one per deployment. */
  prefix: string;
  /** How long a grant lasts without renewal, ms. Default 5000. */
  ttlMs?: number;
  /** How often held leases are renewed, ms. Default ttlMs / 5 (four renewals may fail in a row). */
  renewEveryMs?: number;
  /**
   * This node stops acting as owner this long before its grant could lapse (clock rates differ a
   * little between machines; a renewal's reply may come late). Default ttlMs / 5.
   */
  marginMs?: number;
  report?: BusErrorReporter;
}

interface Grant {
  /** What the lease key holds while it is ours: `<node>|<fence>`. */
  readonly value: string;
  readonly fence: number;
  /** performance.now() until which this node may act as owner. */
  validUntil: number;
}

/**
 * Grants the lease (KEYS[1]) to a node with a new fence: one more than the last one granted for
 * the room (KEYS[2]), and never below Redis's clock in milliseconds (so it also exceeds any fence a
 * single node handed out before; see LocalLeases).
 */
const GRANT = `
local function grant(node, ttl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local fence = redis.call('INCR', KEYS[2])
  if fence < now then fence = now end
  local text = string.format('%d', fence)
  redis.call('SET', KEYS[2], text)
  redis.call('SET', KEYS[1], node .. '|' .. text, 'PX', ttl)
  return text
end
`;

/** Takes a free lease, or reports who holds it; renews it when the claimant already holds it. */
const CLAIM = `${GRANT}
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  local owner = string.sub(cur, 1, sep - 1)
  if owner == ARGV[3] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
  return {owner, string.sub(cur, sep + 1)}
end
return {ARGV[1], grant(ARGV[1], ARGV[2])}
`;

/** Hands a lease this node holds (ARGV[1], its grant) to another node, with a new fence. */
const TRANSFER = `${GRANT}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
grant(ARGV[2], ARGV[3])
return 1
`;

/** Renews each lease whose key still holds this node's grant; 1 renewed, 0 lost. */
const RENEW = `
local out = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[i + 1] then
    redis.call('PEXPIRE', key, ARGV[1])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

const CLOSE_GRACE_MS = 2000;

/** How long a player's pilot entry outlives its last join, s. */
const PILOT_TTL_S = 24 * 3600;

/**
 * Room leases in Redis: one key per room holding `<node>|<fence>` with an expiry, renewed for all
 * held rooms in one script call every `renewEveryMs`. A node acts as owner only while its own
 * clock says the grant cannot have lapsed (counted from when the renewal was sent, minus a
 * margin), so a node that stalls (SIGSTOP, a long pause) has stopped acting by the time another
 * can take the room over, and storage refuses its late writes by their fence.
 */
export class RedisLeases implements RoomLeases {
  private readonly grants = new Map<string, Grant>();
  private readonly listeners: LeaseLostListener[] = [];
  private readonly ttlMs: number;
  private readonly marginMs: number;
  private readonly prefix: string;
  private readonly report: BusErrorReporter;
  private readonly timer: NodeJS.Timeout;
  private renewing = false;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly redis: RedisClient,
    readonly nodeId: string,
    /** This process's claim on the node id (another process with the same id is refused). */
    private readonly instance: string,
    opts: RedisLeasesOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 5000;
    this.marginMs = opts.marginMs ?? Math.round(this.ttlMs / 5);
    this.prefix = opts.prefix;
    this.report = opts.report ?? (() => {});
    this.timer = setInterval(() => void this.renew(), opts.renewEveryMs ?? Math.round(this.ttlMs / 5));
    this.timer.unref();
  }

  /**
   * Connects and claims the node id: a node whose NODE_ID another running node holds is refused
   * (two processes with one id would each take the other's leases for their own). The claim lapses
   * with the TTL after a crash, and is given up at once on close.
   */
  static async connect(opts: RedisLeasesOptions): Promise<RedisLeases> {
    const redis = await openRedis({
      url: opts.url,
      name: `perihelion-leases:${opts.nodeId}`,
      report: opts.report ?? (() => {}),
      // A renewal must not wait behind a long queue: while Redis is away, grants simply lapse.
      queueLimit: 1000,
    });
    const instance = randomBytes(12).toString('base64url');
    const ttlMs = opts.ttlMs ?? 5000;
    const claimed = await redis
      .set(`${opts.prefix}node:${opts.nodeId}`, instance, { NX: true, PX: ttlMs })
      .catch((err: unknown) => {
        redis.destroy();
        throw err;
      });
    if (!claimed) {
      redis.destroy();
      throw new Error(
        `NODE_ID "${opts.nodeId}" is in use by another running node of this cluster (its claim lapses ${ttlMs / 1000} s after that node stops): give every node its own NODE_ID`,
      );
    }
    return new RedisLeases(redis, opts.nodeId, instance, opts);
  }

  /** How long a grant lasts without renewal, ms. */
  get ttl(): number {
    return this.ttlMs;
  }

  async claim(room: string, forNode: string = this.nodeId): Promise<LeaseClaim> {
    if (this.closing) return { held: false, owner: null };
    const sentAt = performance.now();
    let reply: unknown;
    try {
      reply = await this.redis.eval(CLAIM, {
        keys: [this.leaseKey(room), this.fenceKey(room)],
        arguments: [forNode, String(this.ttlMs), this.nodeId],
      });
    } catch (err) {
      this.report(err, `claiming the lease of ${room}`);
      return { held: false, owner: null };
    }
    const [owner, fenceText] = reply as [string, string];
    if (owner !== this.nodeId) return { held: false, owner };
    const fence = Number(fenceText);
    const known = this.grants.get(room);
    if (known?.fence === fence) {
      known.validUntil = Math.max(known.validUntil, this.validFrom(sentAt));
    } else {
      this.grants.set(room, { value: `${owner}|${fenceText}`, fence, validUntil: this.validFrom(sentAt) });
    }
    return { held: true, fence };
  }

  holds(room: string): boolean {
    const grant = this.grants.get(room);
    return grant !== undefined && performance.now() < grant.validUntil;
  }

  fenceOf(room: string): number | null {
    return this.grants.get(room)?.fence ?? null;
  }

  async ownerOf(room: string): Promise<string | null> {
    try {
      const value = await this.redis.get(this.leaseKey(room));
      return value ? value.slice(0, value.lastIndexOf('|')) : null;
    } catch (err) {
      this.report(err, `reading the lease of ${room}`);
      return null;
    }
  }

  async claimPilot(playerId: string): Promise<string | null> {
    try {
      // One key per player, the node that pilots its avatar; a day's expiry only collects players
      // gone for good (a crashed node's entries name a node whose pilots are gone anyway).
      const before = await this.redis.set(this.pilotKey(playerId), this.nodeId, {
        GET: true,
        EX: PILOT_TTL_S,
      });
      return before && before !== this.nodeId ? before : null;
    } catch (err) {
      this.report(err, `recording the pilot of ${playerId}`);
      return null;
    }
  }

  async release(room: string): Promise<void> {
    const grant = this.grants.get(room);
    if (!grant) return;
    this.grants.delete(room);
    try {
      await this.redis.eval(RELEASE, { keys: [this.leaseKey(room)], arguments: [grant.value] });
    } catch (err) {
      // It lapses by itself within the TTL.
      this.report(err, `releasing the lease of ${room}`);
    }
  }

  async transfer(room: string, toNode: string): Promise<boolean> {
    const grant = this.grants.get(room);
    if (!grant) return false;
    this.grants.delete(room);
    try {
      const moved = await this.redis.eval(TRANSFER, {
        keys: [this.leaseKey(room), this.fenceKey(room)],
        arguments: [grant.value, toNode, String(this.ttlMs)],
      });
      return moved === 1;
    } catch (err) {
      this.report(err, `handing the lease of ${room} to ${toNode}`);
      return false;
    }
  }

  onLost(listener: LeaseLostListener): void {
    this.listeners.push(listener);
  }

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.grants.keys()].map((room) => this.release(room)));
    // The id is free at once for this node's next start.
    await this.redis
      .eval(RELEASE, { keys: [this.nodeKey()], arguments: [this.instance] })
      .catch((err: unknown) => this.report(err, 'releasing this node id'));
    await closeRedis(this.redis, CLOSE_GRACE_MS);
  }

  private validFrom(sentAt: number): number {
    return sentAt + this.ttlMs - this.marginMs;
  }

  /** Renews every held grant in one call; those refused or lapsed by this node's clock are lost. */
  private async renew(): Promise<void> {
    if (this.renewing || this.closing) return;
    this.renewing = true;
    try {
      const rooms = [...this.grants.keys()];
      const sentAt = performance.now();
      // Already lapsed by our clock (the process stalled): lost whatever Redis says now.
      const lapsed = rooms.filter((room) => !this.holds(room));
      for (const room of lapsed) this.lose(room);
      const live = rooms.filter((room) => this.grants.has(room));
      const values = live.map((room) => (this.grants.get(room) as Grant).value);
      let reply: number[];
      try {
        // The node's claim on its id first, then every room.
        reply = (await this.redis.eval(RENEW, {
          keys: [this.nodeKey(), ...live.map((room) => this.leaseKey(room))],
          arguments: [String(this.ttlMs), this.instance, ...values],
        })) as number[];
      } catch (err) {
        this.report(err, 'renewing room leases');
        return;
      }
      if (reply[0] !== 1) this.reclaimNodeId();
      live.forEach((room, i) => {
        const grant = this.grants.get(room);
        if (!grant || grant.value !== values[i]) return;
        if (reply[i + 1] === 1) grant.validUntil = Math.max(grant.validUntil, this.validFrom(sentAt));
        else this.lose(room);
      });
    } finally {
      this.renewing = false;
    }
  }

  private lose(room: string): void {
    if (!this.grants.delete(room)) return;
    for (const listener of this.listeners) {
      try {
        listener(room);
      } catch (err) {
        this.report(err, `lease-lost listener for ${room}`);
      }
    }
  }

  /**
   * Our claim on the node id lapsed (a stall longer than the TTL): take it again if it is free, and
   * say loudly when another process took it, since two processes with one id would each take the
   * other's leases for their own.
   */
  private reclaimNodeId(): void {
    this.redis
      .set(this.nodeKey(), this.instance, { NX: true, PX: this.ttlMs })
      .then((taken) => {
        if (!taken) {
          this.report(
            new Error(`another running node uses NODE_ID "${this.nodeId}"`),
            'claiming this node id: give every node its own NODE_ID',
          );
        }
      })
      .catch((err: unknown) => this.report(err, 'claiming this node id'));
  }

  private nodeKey(): string {
    return `${this.prefix}node:${this.nodeId}`;
  }

  private pilotKey(playerId: string): string {
    return `${this.prefix}pilot:${playerId}`;
  }

  private leaseKey(room: string): string {
    return `${this.prefix}lease:${room}`;
  }

  private fenceKey(room: string): string {
    return `${this.prefix}fence:${room}`;
  }
}
