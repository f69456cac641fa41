import type { BuildResult } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { eventually } from './testing/test-server.js';
import { accepted, contentFile, universeServer } from './testing/universe-client.js';

describe('coming back to a sector', () => {
  const { client } = universeServer({
    // No grace: a dropped ship is gone at once, so coming back is a fresh spawn.
    RESUME_GRACE_MS: '0',
    CONTENT: contentFile({
      structures: { 'station-core': { buildSeconds: 0.2, cost: { ore: 0, credits: 0 } } },
      // Lets the station stand far from the centre, where new ships appear.
      construction: { buildRange: 4000 },
      raids: { enabled: false },
    }),
  });

  it('a player whose ship is gone spawns near their station core', async () => {
    const first = client('websocket', { name: 'Homer' });
    accepted(await first.join('home'));
    const built = (await first.build('station-core', 1500, -1200)) as BuildResult;
    if (!built.ok) throw new Error(built.error.message);
    await eventually(() => first.structures().get(built.structure.id)?.state === 'active', 'core active');
    first.close();
    await eventually(() => !first.socket.connected, 'gone');

    const back = client('polling', { token: first.profileToken });
    const again = accepted(await back.join('home'));
    const core = built.structure;
    // The content's spawnNear band (120–220 units from the core); the centre is ~1900 away.
    const d = Math.hypot(again.own[0]! - core.x, again.own[1]! - core.y);
    expect(d).toBeGreaterThanOrEqual(120);
    expect(d).toBeLessThanOrEqual(220);
    // A player without a station still appears around the centre.
    const stranger = client('websocket');
    const s = accepted(await stranger.join('home'));
    expect(Math.hypot(s.own[0]!, s.own[1]!)).toBeLessThanOrEqual(250);
  });
});
