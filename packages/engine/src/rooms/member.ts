import type { ErrorPayload } from '@perihelion/protocol';
import { SnapshotHistory } from './snapshot-history.js';

/** How a room reaches one member; the gateway implements it over Socket.IO. */
export interface MemberLink {
  /**
   * Tick data: may be dropped when the connection is busy (a newer snapshot supersedes it).
   * `frame` is the room's reusable buffer: valid only during the call, copy it to keep it.
   */
  sendSnapshot(frame: Uint8Array, reliable: boolean): void;
  sendError(error: ErrorPayload): void;
}

/** Inputs buffered beyond this are dropped oldest-first (a client far ahead of the server). */
const MAX_QUEUED_INPUTS = 32;
/**
 * Ticks of input credit a member may bank (about a quarter second at 30 Hz): absorbs network
 * jitter and server stalls. Banking cannot buy speed: a step applied late covers a tick that
 * passed without one, so distance over time stays what an honest client gets.
 */
const MAX_INPUT_CREDIT = 8;

/** One player's presence in a room: inputs waiting to be applied and what they were last sent. */
export class RoomMember {
  readonly history = new SnapshotHistory();
  private readonly queue: { seq: number; buttons: number }[] = [];
  private credit = 1;
  /** Highest sequence accepted into the queue (older or repeated inputs are ignored). */
  private lastQueuedSeq: number;
  lastAppliedSeq: number;
  lastSnapshotId = 0;
  ackedSnapshotId = 0;
  /** The first snapshot after a join is sent reliably so the member starts from a full world. */
  needsKeyframe = true;
  /** The newest keyframe sent (reliably, so the client holds it): a baseline when acks lag. */
  lastKeyframeId = 0;
  /**
   * Snapshots owed to this member, in fractions: the room adds snapshotRate / tickRate every tick
   * and sends one whenever it reaches a whole one (its start is set by the room to spread members).
   */
  snapshotClock = 0;

  constructor(
    readonly playerId: string,
    readonly name: string,
    readonly handle: number,
    readonly link: MemberLink,
    lastAppliedSeq: number,
  ) {
    this.lastAppliedSeq = lastAppliedSeq;
    this.lastQueuedSeq = lastAppliedSeq;
  }

  enqueueInput(seq: number, buttons: number, ackSnapshotId: number): void {
    if (ackSnapshotId > this.ackedSnapshotId && ackSnapshotId <= this.lastSnapshotId) {
      this.ackedSnapshotId = ackSnapshotId;
    }
    if (seq <= this.lastQueuedSeq) return;
    this.lastQueuedSeq = seq;
    this.queue.push({ seq, buttons });
    if (this.queue.length > MAX_QUEUED_INPUTS) this.queue.shift();
  }

  /**
   * Inputs to apply this tick: normally one, more only from credit banked on ticks when none
   * arrived (or ticks the server skipped after a stall, `ticks` > 1), so a client can never move
   * faster than one step per server tick on average, and a backlog drains instead of adding lag.
   */
  takeInputs(ticks: number, apply: (buttons: number) => void): void {
    this.credit = Math.min(MAX_INPUT_CREDIT, this.credit + ticks);
    while (this.credit >= 1 && this.queue.length > 0) {
      const input = this.queue.shift()!;
      this.credit--;
      this.lastAppliedSeq = input.seq;
      apply(input.buttons);
    }
  }
}
