import { type Bus, busTopic, type Unsubscribe } from '@perihelion/engine';
import { type Structure, structureSchema, type WorldEvent, worldEventSchema } from '@perihelion/protocol';

/** A structure was stored as it now is (built, completed, damaged, cancelled, destroyed). */
export const structureChangedTopic = busTopic('universe:structure', structureSchema, 'log');
/** A sector's world event (a raid) was announced, started or ended. */
export const worldEventTopic = busTopic('universe:world-event', worldEventSchema, 'log');

export interface SectorChangeHandlers {
  structure(structure: Structure): void;
  worldEvent(event: WorldEvent): void;
}

/**
 * Changes to a sector that whichever node made them (a player's build on the node running the
 * sector, a timer fired by any node) must reach every node: each keeps its view of every sector's
 * structures and raids current, and the node that runs the sector changes its simulation and tells
 * its players. Stored first, then announced (a log topic: a node whose Redis link drops reads on
 * from where it was). On one node this is a direct call.
 */
export class SectorChanges {
  private readonly unsubscribe: Unsubscribe[] = [];

  constructor(
    private readonly bus: Bus,
    private readonly handlers: SectorChangeHandlers,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe.push(
      await this.bus.subscribe(structureChangedTopic, (s) => this.handlers.structure(s)),
      await this.bus.subscribe(worldEventTopic, (e) => this.handlers.worldEvent(e)),
    );
  }

  stop(): void {
    for (const stop of this.unsubscribe.splice(0)) stop();
  }

  structure(structure: Structure): void {
    this.bus.publish(structureChangedTopic, structure);
  }

  worldEvent(event: WorldEvent): void {
    this.bus.publish(worldEventTopic, event);
  }
}
