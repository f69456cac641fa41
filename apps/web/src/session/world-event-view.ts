import type { QaWorldEvent, WorldEvent } from '@perihelion/protocol';
import { formatClock } from './format-clock.js';

/**
 * The banner's words for a world event at server time `serverNow`, with a live countdown. The
 * server's own text was written when the event was announced, so its countdown is stale at once;
 * raids get their words here, any other kind keeps the server's text and gains a countdown.
 */
export function showWorldEvent(event: WorldEvent | null, serverNow: number): QaWorldEvent | null {
  if (!event || event.phase === 'over' || event.endsAt <= serverNow) return null;
  const { kind, phase } = event;
  const untilStart = formatClock(event.startsAt - serverNow);
  const untilEnd = formatClock(event.endsAt - serverNow);
  if (kind === 'raid') {
    const text =
      phase === 'warning'
        ? `Space dragons inbound in ${untilStart}`
        : `Space dragons attacking! ${untilEnd} left`;
    return { kind, phase, text };
  }
  const text =
    phase === 'warning' ? `${event.text} · starts in ${untilStart}` : `${event.text} · ${untilEnd} left`;
  return { kind, phase, text };
}
