import type { Profile } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { eventually } from './testing/test-server.js';
import { accepted, universeServer } from './testing/universe-client.js';

describe('player profiles', () => {
  const { client } = universeServer();

  it.each(['websocket', 'polling'] as const)(
    'a first visit creates a guest profile with a token; returning with it over %s is the same profile',
    async (transport) => {
      const first = client(transport, { name: 'Vega' });
      const join = accepted(await first.join('alpha'));
      expect(first.profileToken.length).toBeGreaterThanOrEqual(32);
      const profile = await eventually(() => first.profile(), 'profile');
      expect(profile).toEqual({ id: join.playerId, name: 'Vega', ore: 0, credits: expect.any(Number) });
      first.close();

      const back = client(transport, { token: first.profileToken });
      const again = accepted(await back.join('alpha'));
      expect(again.playerId).toBe(join.playerId);
      expect(again.name).toBe('Vega');
      expect(back.profileToken).toBe(first.profileToken);
      expect(await eventually(() => back.profile(), 'profile again')).toEqual(profile);
    },
  );

  it('who the session says the player is comes with the connection, before any join', async () => {
    const idle = client('polling', { name: 'Idle' });
    const identity = await eventually(
      () => idle.last<{ playerId: string; name: string; role: string }>('identity'),
      'identity on connect',
    );
    const session = await idle.session;
    expect(identity).toEqual({ playerId: session?.playerId, name: 'Idle', role: 'player' });
    idle.close();
    const back = client('websocket', { token: idle.profileToken });
    const again = await eventually(
      () => back.last<{ playerId: string; name: string }>('identity'),
      'identity',
    );
    expect(again.playerId).toBe(identity.playerId);
    expect(again.name).toBe('Idle');
  });

  it('a name in the session request renames the stored profile', async () => {
    const old = client('websocket', { name: 'Old' });
    accepted(await old.join('alpha'));
    const renamed = client('websocket', { token: old.profileToken, name: 'New' });
    expect(accepted(await renamed.join('alpha')).name).toBe('New');
    const p = await eventually(() => renamed.profile(), 'profile');
    expect(p.name).toBe('New');
  });

  it('an unknown token gets a new guest profile and a new token, never someone else', async () => {
    const known = accepted(await client().join('alpha'));
    const stranger = client('websocket', { token: 'made-up-token' });
    const res = accepted(await stranger.join('alpha'));
    expect(res.playerId).not.toBe(known.playerId);
    expect(stranger.profileToken).not.toBe('made-up-token');
  });

  it('two tabs with one token are one player: the newer tab takes the ship, both stay connected', async () => {
    const tab1 = client('websocket', { name: 'Twin' });
    const j1 = accepted(await tab1.join('alpha'));
    const tab2 = client('polling', { token: tab1.profileToken });
    const j2 = accepted(await tab2.join('alpha'));
    expect(j2.playerId).toBe(j1.playerId);
    // One player, one ship: the same ship changes hands.
    expect(j2.handle).toBe(j1.handle);
    await eventually(() => tab1.last<{ sector: string }>('displaced'), 'first tab told it was displaced');
    expect(tab1.socket.connected).toBe(true);
    const p1 = await eventually(() => tab1.profile(), 'profile in tab 1');
    const p2 = await eventually(() => tab2.profile(), 'profile in tab 2');
    expect(p2).toEqual<Profile>(p1);
    // The roster still has the player once.
    expect(j2.roster.filter((r) => r.id === j1.playerId)).toHaveLength(1);
  });
});
