import {
  ByteWriter,
  encodeSnapshotSelection,
  quantizePosition,
  type RosterEntry,
} from '@perihelion/protocol';
import type { CarriedAvatar, CarriedAvatars } from './carried-avatars.js';
import { FixedStepLoop } from './fixed-step-loop.js';
import { InterestGrid } from './interest-grid.js';
import { type MemberLink, RoomMember } from './member.js';
import { emptySnapshotTotals, type RoomStats } from './room-stats.js';
import type { Simulation } from './simulation.js';
import { SNAPSHOT_HISTORY_SIZE } from './snapshot-history.js';
import { type WorldFrame, WorldFrames } from './world-frames.js';

export interface RoomOptions {
  id: string;
  tickRate: number;
  snapshotRate: number;
  capacity: number;
  simulation: Simulation;
  stats?: RoomStats;
  /** Asked before every tick; false halts the room for good (e.g. its lease was lost). */
  mayRun?: () => boolean;
  /** Called once when mayRun halted the room. */
  onHalted?: () => void;
  /** Avatars handed on from the sector's previous run, waiting for their players. */
  carried?: CarriedAvatars;
}

/** What a leaving member leaves behind, enough to resume it later. */
export interface Departure {
  own: readonly number[] | null;
  handle: number;
  lastInputSeq: number;
}

export interface JoinedMember {
  member: RoomMember;
  own: readonly number[];
}

/**
 * One long-lived authoritative instance (a sector): members send inputs, the room applies them on
 * its fixed tick, advances the simulation, and sends each member a snapshot of what is near it at
 * its own (lower) rate, as a delta against what that member last acknowledged.
 */
export class Room {
  readonly id: string;
  readonly capacity: number;
  readonly tickRate: number;
  readonly snapshotRate: number;
  private readonly sim: Simulation;
  private readonly members = new Map<string, RoomMember>();
  private readonly loop: FixedStepLoop;
  /** Snapshots per member per tick (at most one). */
  private readonly snapshotsPerTick: number;
  /** Members admitted so far, to spread their snapshot clocks (see spreadClock). */
  private admitted = 0;
  private readonly grid: InterestGrid;
  private readonly worlds: WorldFrames;
  /** Where each member's query writes its rows before they are encoded and remembered. */
  private visibleRows = new Int32Array(256);
  private readonly writer = new ByteWriter(4096);
  private readonly stats: RoomStats | undefined;
  private readonly mayRun: () => boolean;
  private readonly onHalted: () => void;
  private readonly carried: CarriedAvatars | null;
  private totals = emptySnapshotTotals();
  tick = 0;

  constructor(opts: RoomOptions) {
    this.id = opts.id;
    this.capacity = opts.capacity;
    this.tickRate = opts.tickRate;
    this.snapshotRate = opts.snapshotRate;
    this.sim = opts.simulation;
    this.stats = opts.stats;
    this.mayRun = opts.mayRun ?? (() => true);
    this.onHalted = opts.onHalted ?? (() => {});
    this.carried = opts.carried ?? null;
    this.snapshotsPerTick = Math.min(1, opts.snapshotRate / opts.tickRate);
    // The cell size only tunes the grid's speed; the radius itself is read at every snapshot, since
    // a game may change it while the room runs (live tuning).
    this.grid = new InterestGrid(Math.max(1, Math.ceil(quantizePosition(this.sim.viewRadius) / 2)));
    this.worlds = new WorldFrames(SNAPSHOT_HISTORY_SIZE, opts.tickRate, opts.snapshotRate);
    this.loop = new FixedStepLoop(opts.tickRate, this.runTick);
  }

  get size(): number {
    return this.members.size;
  }

  get isFull(): boolean {
    return this.members.size >= this.capacity;
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** The players whose avatars are here. */
  playerIds(): IterableIterator<string> {
    return this.members.keys();
  }

  /** Every avatar of the sector as it is now, to hand on: members' and those still waiting. */
  avatars(): CarriedAvatar[] {
    const here = [...this.members.values()].map((m) => {
      const own = this.sim.ownState(m.playerId);
      return {
        playerId: m.playerId,
        handle: m.handle,
        own: own ? [...own] : null,
        lastInputSeq: m.lastAppliedSeq,
      };
    });
    const waiting = (this.carried?.waiting() ?? []).filter((a) => !this.members.has(a.playerId));
    return [...here, ...waiting];
  }

  /** The player's avatar handed on from the sector's previous run, once (null when none waits). */
  takeCarried(playerId: string): CarriedAvatar | null {
    return this.carried?.take(playerId) ?? null;
  }

  /** Whether the room is still ticking (false once stopped or halted). */
  get running(): boolean {
    return this.loop.running;
  }

  roster(): RosterEntry[] {
    return [...this.members.values()].map((m) => ({ id: m.playerId, name: m.name, handle: m.handle }));
  }

  has(playerId: string): boolean {
    return this.members.has(playerId);
  }

  /** Spawns the player's avatar (restored when resuming). The caller checks capacity first. */
  join(
    playerId: string,
    name: string,
    link: MemberLink,
    resume: Departure | null,
    near: { x: number; y: number } | null = null,
  ): JoinedMember {
    // Rejoining over a new connection before the old one was cleaned up keeps the same ship.
    const carried = this.members.has(playerId) ? this.leave(playerId) : null;
    const from = resume ?? carried;
    const handle = this.sim.spawn(playerId, from ? { state: from.own, handle: from.handle } : null, near);
    const member = new RoomMember(playerId, name, handle, link, from?.lastInputSeq ?? 0);
    member.snapshotClock = this.spreadClock();
    this.members.set(playerId, member);
    return { member, own: this.sim.ownState(playerId) ?? [] };
  }

  /** Removes the member; returns the avatar's last state and input sequence for a later resume. */
  leave(playerId: string, onlyIf?: RoomMember): Departure | null {
    const member = this.members.get(playerId);
    if (!member || (onlyIf && member !== onlyIf)) return null;
    this.members.delete(playerId);
    return { own: this.sim.despawn(playerId), handle: member.handle, lastInputSeq: member.lastAppliedSeq };
  }

  /**
   * Each member's snapshot clock starts at a different fraction (successive multiples of the golden
   * ratio, which stay evenly spread however many join or leave), so on every tick about the same
   * share of members is due: snapshot work is level instead of piling onto some ticks. Every member
   * still gets exactly snapshotRate snapshots a second (20 at 30 Hz ticks: two ticks of three).
   */
  private spreadClock(): number {
    return (this.admitted++ * 0.618_033_988_75) % 1;
  }

  /** `skippedTicks`: ticks the loop had to drop after a stall; members get input credit for them. */
  private readonly runTick = (skippedTicks: number): void => {
    if (!this.mayRun()) {
      this.loop.stop();
      this.onHalted();
      return;
    }
    const started = performance.now();
    const credit = 1 + skippedTicks;
    for (const member of this.members.values()) {
      member.takeInputs(credit, (buttons) => this.sim.applyInput(member.playerId, buttons));
    }
    this.sim.step();
    this.tick++;
    this.sendDueSnapshots();
    if (this.stats) {
      this.stats.recordTick(performance.now() - started, this.id);
      if (this.totals.deltas + this.totals.keyframes > 0) {
        this.stats.recordSnapshots(this.totals, this.id);
        this.totals = emptySnapshotTotals();
      }
    }
  };

  private sendDueSnapshots(): void {
    let world: WorldFrame | null = null;
    for (const member of this.members.values()) {
      member.snapshotClock += this.snapshotsPerTick;
      if (member.snapshotClock < 1) continue;
      member.snapshotClock -= 1;
      if (world === null) world = this.captureWorld();
      this.sendSnapshot(member, world);
    }
  }

  /** The world as it is this tick, once for every member due a snapshot: quantized and indexed. */
  private captureWorld(): WorldFrame {
    const world = this.worlds.capture(this.sim.entities());
    this.grid.rebuild(world.table);
    if (this.visibleRows.length < world.table.length)
      this.visibleRows = new Int32Array(world.table.length * 2);
    return world;
  }

  private sendSnapshot(member: RoomMember, world: WorldFrame): void {
    const focus = this.sim.focus(member.playerId);
    const rows = this.visibleRows;
    const count = focus
      ? this.grid.query(
          quantizePosition(focus.x),
          quantizePosition(focus.y),
          quantizePosition(this.sim.viewRadius),
          member.handle,
          rows,
        )
      : 0;
    // Keyframes always go out reliably, so the client is sure to hold the last one: when its
    // acknowledgements fall behind the history (a stalled client), deltas continue against that
    // keyframe instead of a keyframe every snapshot, which would only stall it further.
    const baseline = member.needsKeyframe
      ? null
      : (member.history.get(member.ackedSnapshotId) ?? member.history.get(member.lastKeyframeId));
    const id = ++member.lastSnapshotId;
    const encoded = encodeSnapshotSelection(
      this.writer,
      { id, tick: this.tick, ackSeq: member.lastAppliedSeq, own: this.sim.ownState(member.playerId) },
      { table: world.table, rows, count },
      baseline,
    );
    member.history.remember(id, world, rows, count);
    // No copy: the link copies the bytes into its frame before this buffer is reused.
    const bytes = this.writer.written();
    const reliable = baseline === null;
    if (reliable) member.lastKeyframeId = id;
    member.needsKeyframe = false;
    const t = this.totals;
    if (baseline) t.deltas++;
    else t.keyframes++;
    t.bytes += bytes.length;
    t.records += encoded.changed;
    t.recordBytes += encoded.recordBytes;
    member.link.sendSnapshot(bytes, reliable);
  }
}
