import { accountLinks, accountSessions, players } from '@perihelion/db';
import { type TestStore, testStoreTargets } from '@perihelion/db/testing';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { StoredProfiles } from '../universe/profiles.js';
import { AccountProfiles, MAX_SIGN_INS } from './oidc-accounts.js';
import type { VerifiedAccount } from './oidc-verifier.js';

const targets = await testStoreTargets();

const account = (subject: string, suggestedName?: string): VerifiedAccount => ({
  issuer: 'https://idp.example.com',
  subject,
  suggestedName,
});

describe.each(targets)('account profiles on $name', (target) => {
  /** Runs `test` with a fresh store and accounts on a clock it moves; the store goes afterwards. */
  async function withAccounts(
    test: (ctx: {
      store: TestStore;
      accounts: AccountProfiles;
      profiles: StoredProfiles;
      clock: { now: number };
    }) => Promise<void>,
  ): Promise<void> {
    const store = await target.open();
    try {
      const clock = { now: Date.parse('2030-01-01T00:00:00Z') };
      const profiles = new StoredProfiles(
        store.db,
        () => 100,
        () => 'Guest',
      );
      const accounts = new AccountProfiles({
        db: store.db,
        identities: profiles,
        signInTtlS: 3600,
        now: () => clock.now,
      });
      await test({ store, accounts, profiles, clock });
    } finally {
      await store.destroy();
    }
  }

  it.skipIf(target.skipReason !== null)(
    'a sign-in renews sessions until it expires; removing the account link ends every sign-in',
    () =>
      withAccounts(async ({ store, accounts, clock }) => {
        const phone = await accounts.signIn(account('s1', 'Ada'), {});
        expect(phone).toMatchObject({ name: 'Ada', link: 'new' });
        const laptop = await accounts.signIn(account('s1'), {});
        expect(laptop).toMatchObject({ playerId: phone.playerId, link: 'existing' });
        expect(await accounts.renew(phone.token)).toMatchObject({
          ok: true,
          identity: { playerId: phone.playerId },
        });

        clock.now += 3600_000;
        expect(await accounts.renew(phone.token)).toEqual({ ok: false, reason: 'expired' });
        expect(await accounts.renew(phone.token)).toEqual({ ok: false, reason: 'unknown' });

        const again = await accounts.signIn(account('s1'), {});
        await store.db.delete(accountLinks).where(eq(accountLinks.subject, 's1'));
        expect(await accounts.renew(again.token)).toEqual({ ok: false, reason: 'unknown' });
        expect(await store.db.$count(accountSessions)).toBe(0);
      }),
  );

  it.skipIf(target.skipReason !== null)(
    'a new sign-in leaves the others working (tabs, devices), up to the newest few',
    () =>
      withAccounts(async ({ store, accounts, clock }) => {
        const first = await accounts.signIn(account('s2'), {});
        const second = await accounts.signIn(account('s2'), { profileToken: first.token });
        expect((await accounts.renew(first.token)).ok).toBe(true);
        expect((await accounts.renew(second.token)).ok).toBe(true);

        const tokens = [first.token, second.token];
        for (let i = 0; i < MAX_SIGN_INS + 1; i++) {
          clock.now += 1;
          tokens.push((await accounts.signIn(account('s2'), {})).token);
        }
        expect(await store.db.$count(accountSessions)).toBe(MAX_SIGN_INS);
        expect((await accounts.renew(tokens[2]!)).ok).toBe(false);
        expect((await accounts.renew(tokens[3]!)).ok).toBe(true);
        expect((await accounts.renew(tokens.at(-1)!)).ok).toBe(true);
      }),
  );

  it.skipIf(target.skipReason !== null)('the first sign-ins of one account, racing, end on one profile', () =>
    withAccounts(async ({ store, accounts }) => {
      const racing = await Promise.all(
        Array.from({ length: 6 }, () => accounts.signIn(account('racer'), {})),
      );
      expect(new Set(racing.map((r) => r.playerId)).size).toBe(1);
      expect(await store.db.$count(accountLinks)).toBe(1);
      for (const r of racing) expect((await accounts.renew(r.token)).ok).toBe(true);
    }),
  );

  it.skipIf(target.skipReason !== null)(
    'one guest linked to two accounts at once goes to one of them; the other gets a profile of its own',
    () =>
      withAccounts(async ({ store, accounts, profiles }) => {
        const guest = await profiles.identify({ name: 'Rookie' });
        const [x, y] = await Promise.all([
          accounts.signIn(account('x'), { profileToken: guest.token }),
          accounts.signIn(account('y'), { profileToken: guest.token }),
        ]);
        const winner = x.playerId === guest.playerId ? x : y;
        const loser = winner === x ? y : x;
        expect(winner).toMatchObject({ playerId: guest.playerId, name: 'Rookie', link: 'linked-guest' });
        expect(loser.playerId).not.toBe(guest.playerId);
        expect(loser.link).toBe('new');
        expect(await store.db.$count(accountLinks)).toBe(2);
        // The guest token is sealed: it is a stranger's now, and a new guest.
        expect((await profiles.identify({ token: guest.token })).playerId).not.toBe(guest.playerId);
        const [row] = await store.db
          .select({ tokenHash: players.tokenHash })
          .from(players)
          .where(eq(players.id, guest.playerId));
        expect(row?.tokenHash).toMatch(/^sealed:/);
      }),
  );
});
