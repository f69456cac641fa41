import type { GameClientApi } from '@perihelion/client';
import { isLive } from '@perihelion/game';
import {
  type InboxMessage,
  type Profile,
  profileSchema,
  type Structure,
  structureListSchema,
  structureSchema,
  type WorldEvent,
  worldEventSchema,
} from '@perihelion/protocol';

/** A notification as the player was shown it. */
export interface ShownNotification {
  seq: number;
  kind: string;
  text: string;
  /** When the server created it (ms since the epoch). */
  at: number;
}

/** The notification list keeps the most recent ones; older ones scroll out of existence. */
const MAX_NOTIFICATIONS = 50;

/** The part of a zod schema this module uses, so it needs no zod types of its own. */
interface Schema<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly Issue[] } };
}

interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * What the server has told this page about the persistent universe: the player's profile, the
 * current sector's structures and world event, and the notifications shown so far. Every message
 * is validated on arrival; an invalid one is ignored with a warning. Owned by the session, so hot
 * reload keeps it (and its listeners on the one GameClient).
 */
export class UniverseState {
  profile: Profile | null = null;
  /** Who the server says we are (after each join), with the name everyone sees. */
  identity: { playerId: string; name: string } | null = null;
  private sector: string | null = null;
  private readonly byId = new Map<string, Structure>();
  private structureList: readonly Structure[] = [];
  private event: WorldEvent | null = null;
  private shown: ShownNotification[] = [];

  constructor(client: GameClientApi) {
    client.on('message', (event, payload) => this.receive(event, payload));
    client.on('notification', (message) => this.notify(message));
    client.on('identity', ({ playerId, name }) => {
      // Another profile (a new token, a reset server): what we knew was someone else's.
      if (this.profile && this.profile.id !== playerId) this.profile = null;
      this.identity = { playerId, name };
    });
    client.on('joined', ({ sector }) => this.enterSector(sector));
  }

  /** Live structures of the current sector (building or active). */
  get structures(): readonly Structure[] {
    return this.structureList;
  }

  /** Notifications shown since the page loaded, oldest first. */
  get notifications(): readonly ShownNotification[] {
    return this.shown;
  }

  /** The sector's announced or running world event at server time `serverNow`, if any. */
  worldEvent(serverNow: number): WorldEvent | null {
    if (this.event && this.event.endsAt <= serverNow) this.event = null;
    return this.event;
  }

  /** Shows a structure the server has just confirmed (a build's answer) without waiting for its broadcast. */
  upsertStructure(structure: Structure): void {
    if (structure.sector !== this.sector) return;
    if (isLive(structure)) this.byId.set(structure.id, structure);
    else this.byId.delete(structure.id);
    this.structureList = [...this.byId.values()];
  }

  private receive(event: string, payload: unknown): void {
    switch (event) {
      case 'profile':
        this.accept(event, profileSchema, payload, (profile) => {
          if (!this.identity || profile.id === this.identity.playerId) this.profile = profile;
        });
        break;
      case 'structures':
        this.accept(event, structureListSchema, payload, (list) => {
          this.enterSector(list.sector);
          this.byId.clear();
          for (const s of list.structures) if (isLive(s)) this.byId.set(s.id, s);
          this.structureList = [...this.byId.values()];
        });
        break;
      case 'structure':
        this.accept(event, structureSchema, payload, (s) => this.upsertStructure(s));
        break;
      case 'world:event':
        this.accept(event, worldEventSchema, payload, (e) => {
          if (this.sector !== null && e.sector !== this.sector) return;
          this.event = e.phase === 'over' ? null : e;
        });
        break;
      default:
      // Another game feature's event: not ours to judge.
    }
  }

  private accept<T>(event: string, schema: Schema<T>, payload: unknown, use: (value: T) => void): void {
    const parsed = schema.safeParse(payload);
    if (parsed.success) use(parsed.data);
    else
      console.warn(
        `[perihelion] ignored an invalid '${event}' message: ${describeIssues(parsed.error.issues)}`,
      );
  }

  private enterSector(sector: string): void {
    if (sector === this.sector) return;
    this.sector = sector;
    this.byId.clear();
    this.structureList = [];
    this.event = null;
  }

  private notify(message: InboxMessage): void {
    if (this.shown.some((n) => n.seq === message.seq)) return;
    const { seq, kind, text, at } = message;
    this.shown = [...this.shown, { seq, kind, text, at }].slice(-MAX_NOTIFICATIONS);
  }
}

/** Cancelled and destroyed structures are gone from the world. */

/** The first few problems, one line: "id: Invalid input; x: Invalid input (+8 more)". */
function describeIssues(issues: readonly Issue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  const more = issues.length > shown.length ? ` (+${issues.length - shown.length} more)` : '';
  return shown.join('; ') + more;
}
