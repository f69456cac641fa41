import type { Role } from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.js';
import { channelConfigProblem } from './channel-config.js';
import { channelKindOf, channelRules, type RuleContext } from './channel-rules.js';

const names = { public: ['global'], readonly: ['announcements'] };

const who = (playerId: string, role: Role = 'player'): Principal => ({
  playerId,
  name: playerId.toUpperCase(),
  role,
  expiresAt: Number.POSITIVE_INFINITY,
});

/** ada is in sector alpha and team red; bob in beta and team blue; zed exists nowhere. */
const ctx: RuleContext = {
  sectorOf: (id) => ({ ada: 'alpha', bob: 'beta' })[id] ?? null,
  isMember: async (channel, id) =>
    (channel === 'team:red' && id === 'ada') || (channel === 'team:blue' && id === 'bob'),
  playerExists: async (id) => id === 'ada' || id === 'bob' || id === 'root',
};

async function may(action: 'subscribe' | 'publish', p: Principal, channel: string) {
  const kind = channelKindOf(names, channel);
  if (!kind) return 'NOT_FOUND (no kind)';
  const decision = await channelRules[kind][action](p, channel, ctx);
  return decision.ok ? 'ok' : decision.error.code;
}

describe('channel kinds', () => {
  it('come from the configured names and the fixed prefixes; anything else is no channel', () => {
    expect(channelKindOf(names, 'global')).toBe('public');
    expect(channelKindOf(names, 'announcements')).toBe('readonly');
    expect(channelKindOf(names, 'sector:alpha')).toBe('sector');
    expect(channelKindOf(names, 'team:red')).toBe('private');
    expect(channelKindOf(names, 'dm:ada:bob')).toBe('direct');
    for (const nothing of [
      'random',
      'sector:',
      'team:',
      'dm:bob:ada',
      'dm:ada:ada',
      'dm:ada',
      'dm:a:b:c',
      '',
      ' global',
    ]) {
      expect(channelKindOf(names, nothing), nothing).toBeNull();
    }
  });

  it('refuses a configuration with bad or reserved names, duplicates or bad numbers', () => {
    const good = { ...names, retention: 500, presenceGraceMs: 0, publishRate: { perSecond: 1, burst: 5 } };
    expect(channelConfigProblem(good)).toBeNull();
    expect(channelConfigProblem({ ...good, public: ['sector:x'] })).toMatch(/reserved prefix/);
    expect(channelConfigProblem({ ...good, readonly: ['global'] })).toMatch(/twice/);
    expect(channelConfigProblem({ ...good, public: ['no spaces'] })).toMatch(/not a valid/);
    expect(channelConfigProblem({ ...good, retention: 0 })).toMatch(/retention/);
    expect(channelConfigProblem({ ...good, publishRate: { perSecond: 0, burst: 1 } })).toMatch(/rate/);
  });
});

describe('channel permissions', () => {
  it('public: anyone signed in reads and writes', async () => {
    expect(await may('subscribe', who('ada'), 'global')).toBe('ok');
    expect(await may('publish', who('ada'), 'global')).toBe('ok');
  });

  it('readonly: everyone reads, only admins write', async () => {
    expect(await may('subscribe', who('ada'), 'announcements')).toBe('ok');
    expect(await may('publish', who('ada'), 'announcements')).toBe('FORBIDDEN');
    expect(await may('publish', who('root', 'admin'), 'announcements')).toBe('ok');
  });

  it('private: members only both ways, admins included', async () => {
    expect(await may('subscribe', who('ada'), 'team:red')).toBe('ok');
    expect(await may('publish', who('ada'), 'team:red')).toBe('ok');
    expect(await may('subscribe', who('ada'), 'team:blue')).toBe('FORBIDDEN');
    expect(await may('publish', who('ada'), 'team:blue')).toBe('FORBIDDEN');
    expect(await may('subscribe', who('root', 'admin'), 'team:red')).toBe('FORBIDDEN');
  });

  it('sector: only whoever is in that sector', async () => {
    expect(await may('subscribe', who('ada'), 'sector:alpha')).toBe('ok');
    expect(await may('publish', who('ada'), 'sector:alpha')).toBe('ok');
    expect(await may('subscribe', who('ada'), 'sector:beta')).toBe('FORBIDDEN');
    expect(await may('publish', who('ada'), 'sector:beta')).toBe('FORBIDDEN');
  });

  it('sector: a player whose sector is not known yet (e.g. after a restart) is told to retry', async () => {
    // zed is in no sector this node knows of: UNAVAILABLE, which clients retry, not FORBIDDEN.
    expect(await may('subscribe', who('zed'), 'sector:alpha')).toBe('UNAVAILABLE');
    expect(await may('publish', who('zed'), 'sector:alpha')).toBe('UNAVAILABLE');
    const decision = await channelRules.sector.subscribe(who('zed'), 'sector:alpha', ctx);
    expect(!decision.ok && decision.error.message).toMatch(/not in a sector yet; retry/);
    // Known to be elsewhere: refused for good.
    expect(await may('subscribe', who('bob'), 'sector:alpha')).toBe('FORBIDDEN');
    expect(await may('publish', who('bob'), 'sector:alpha')).toBe('FORBIDDEN');
  });

  it('direct: only the two players, to an existing peer; admins do not read them', async () => {
    expect(await may('subscribe', who('ada'), 'dm:ada:bob')).toBe('ok');
    expect(await may('subscribe', who('bob'), 'dm:ada:bob')).toBe('ok');
    expect(await may('publish', who('bob'), 'dm:ada:bob')).toBe('ok');
    expect(await may('subscribe', who('root', 'admin'), 'dm:ada:bob')).toBe('FORBIDDEN');
    expect(await may('publish', who('root', 'admin'), 'dm:ada:bob')).toBe('FORBIDDEN');
    expect(await may('subscribe', who('ada'), 'dm:ada:zed')).toBe('NOT_FOUND');
    expect(await may('publish', who('ada'), 'dm:ada:zed')).toBe('NOT_FOUND');
  });
});
