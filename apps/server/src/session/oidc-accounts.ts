import { createHash, randomBytes } from 'node:crypto';
import { accountLinks, accountSessions, type Db, isUniqueViolation, players } from '@perihelion/db';
import type { Identity, IdentityProvider } from '@perihelion/engine';
import { and, desc, eq, lte, ne, notInArray, or } from 'drizzle-orm';
import type { VerifiedAccount } from './oidc-verifier.js';

/** An account's profile tokens start with this; a guest's (base64url) never has a dot. */
export const ACCOUNT_TOKEN_PREFIX = 'acct.';

export function isAccountToken(token: string | undefined): token is string {
  return token?.startsWith(ACCOUNT_TOKEN_PREFIX) ?? false;
}

/** Live sign-ins (devices) kept per account; the oldest go first. */
export const MAX_SIGN_INS = 20;

/** How the account came to its profile on this sign-in. */
export type LinkKind = 'existing' | 'linked-guest' | 'new';

export interface AccountIdentity extends Identity {
  link: LinkKind;
}

export type RenewResult = { ok: true; identity: Identity } | { ok: false; reason: 'unknown' | 'expired' };

export interface AccountProfilesOptions {
  db: Db;
  /** Makes the profiles accounts sign in to: the same guest profiles, with their inventory. */
  identities: IdentityProvider;
  /** How long one sign-in's profile token renews sessions. */
  signInTtlS: number;
  /** ms since the epoch; tests move it. */
  now?: () => number;
}

/** Stored as hashes, as guest tokens are: a leaked database signs nobody in. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * A token hash no token has: a linked profile's guest token stops working, so the only ways into
 * an account's profile are the provider's ID token and the sign-ins it started.
 */
function sealedTokenHash(): string {
  return `sealed:${randomBytes(32).toString('base64url')}`;
}

/**
 * Accounts of an identity provider and their profiles. An account (issuer, subject) signs in to
 * the profile linked to it: on its first sign-in, the guest profile whose token came with the ID
 * token (it keeps its ore and structures), else a new one. Each sign-in hands out its own profile
 * token, which renews sessions until it expires; it is the account's, never a guest token.
 */
export class AccountProfiles {
  private readonly db: Db;
  private readonly now: () => number;

  constructor(private readonly opts: AccountProfilesOptions) {
    this.db = opts.db;
    this.now = opts.now ?? (() => Date.now());
  }

  /**
   * The account's profile, and a new sign-in for it. `profileToken`: a guest's links that guest's
   * profile if the account has none yet (otherwise it is left as it is: profiles are never
   * merged); an account's is ignored.
   */
  async signIn(
    account: VerifiedAccount,
    req: { profileToken?: string | undefined; name?: string | undefined },
  ): Promise<AccountIdentity> {
    const guestToken = isAccountToken(req.profileToken) ? undefined : req.profileToken;
    let found = await this.linked(account, req.name);
    if (!found) {
      try {
        found = await this.link(account, guestToken, req.name);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Lost a race: the account was linked meanwhile (its first sign-in in another tab), or the
        // guest profile was, to another account. The first is now found; for the second, the
        // guest token no longer names a profile, so a new one is made. (A profile this attempt
        // created stays behind unlinked, as a guest that never came back does.)
        found = (await this.linked(account, req.name)) ?? (await this.link(account, guestToken, req.name));
      }
    }
    const token = await this.startSignIn(found.playerId);
    return { ...found, token };
  }

  /** A session for the sign-in whose profile token this is, while it lasts. */
  async renew(token: string, name?: string): Promise<RenewResult> {
    const tokenHash = hashToken(token);
    const now = new Date(this.now());
    const [signIn] = await this.db
      .select({ playerId: accountSessions.playerId, expiresAt: accountSessions.expiresAt })
      .from(accountSessions)
      .where(eq(accountSessions.tokenHash, tokenHash));
    if (!signIn) return { ok: false, reason: 'unknown' };
    if (signIn.expiresAt <= now) {
      await this.db.delete(accountSessions).where(eq(accountSessions.tokenHash, tokenHash));
      return { ok: false, reason: 'expired' };
    }
    const [player] = await this.db
      .update(players)
      .set({ lastSeenAt: now, ...(name ? { name } : {}) })
      .where(eq(players.id, signIn.playerId))
      .returning({ id: players.id, name: players.name });
    if (!player) return { ok: false, reason: 'unknown' };
    return { ok: true, identity: { playerId: player.id, name: player.name, token } };
  }

  /** The profile already linked to the account, if any (renamed when a name is given). */
  private async linked(
    account: VerifiedAccount,
    name: string | undefined,
  ): Promise<Omit<AccountIdentity, 'token'> | null> {
    const now = new Date(this.now());
    const [link] = await this.db
      .update(accountLinks)
      .set({ lastSignInAt: now })
      .where(and(eq(accountLinks.issuer, account.issuer), eq(accountLinks.subject, account.subject)))
      .returning({ playerId: accountLinks.playerId });
    if (!link) return null;
    const [player] = await this.db
      .update(players)
      .set({ lastSeenAt: now, ...(name ? { name } : {}) })
      .where(eq(players.id, link.playerId))
      .returning({ id: players.id, name: players.name });
    // The link goes with its player (cascade): a row without one is gone by now.
    if (!player) return null;
    return { playerId: player.id, name: player.name, link: 'existing' };
  }

  /**
   * Links the guest profile the token names, else a new one (made as a guest's is, so it starts
   * with what a guest starts with), and seals its guest token. The link's keys make a second link
   * of the account, or of the profile, fail with a unique violation instead.
   */
  private async link(
    account: VerifiedAccount,
    guestToken: string | undefined,
    name: string | undefined,
  ): Promise<Omit<AccountIdentity, 'token'>> {
    const profile = await this.opts.identities.identify({ token: guestToken, name });
    const created = profile.token !== guestToken;
    // A new profile is named after the account unless the request chose a name; a linked guest
    // keeps the name it played under.
    const rename = created && !name ? account.suggestedName : undefined;
    const now = new Date(this.now());
    const player = await this.db.transaction(async (tx) => {
      await tx.insert(accountLinks).values({
        issuer: account.issuer,
        subject: account.subject,
        playerId: profile.playerId,
        createdAt: now,
        lastSignInAt: now,
      });
      const [row] = await tx
        .update(players)
        .set({ tokenHash: sealedTokenHash(), ...(rename ? { name: rename } : {}) })
        .where(eq(players.id, profile.playerId))
        .returning({ name: players.name });
      return row;
    });
    if (!player) throw new Error(`profile ${profile.playerId} vanished while it was being linked`);
    return { playerId: profile.playerId, name: player.name, link: created ? 'new' : 'linked-guest' };
  }

  /**
   * Stores a new sign-in and returns its profile token. The account's other sign-ins stay (other
   * devices, and other tabs that still renew with the token they were given), except those that
   * ran out and those beyond its newest MAX_SIGN_INS.
   */
  private async startSignIn(playerId: string): Promise<string> {
    const token = `${ACCOUNT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const tokenHash = hashToken(token);
    const now = this.now();
    await this.db.transaction(async (tx) => {
      await tx.insert(accountSessions).values({
        tokenHash,
        playerId,
        createdAt: new Date(now),
        expiresAt: new Date(now + this.opts.signInTtlS * 1000),
      });
      const newest = tx
        .select({ tokenHash: accountSessions.tokenHash })
        .from(accountSessions)
        .where(eq(accountSessions.playerId, playerId))
        .orderBy(desc(accountSessions.createdAt))
        .limit(MAX_SIGN_INS);
      await tx.delete(accountSessions).where(
        and(
          eq(accountSessions.playerId, playerId),
          // Never the one just made, whatever the order of sign-ins made in the same millisecond.
          ne(accountSessions.tokenHash, tokenHash),
          or(lte(accountSessions.expiresAt, new Date(now)), notInArray(accountSessions.tokenHash, newest)),
        ),
      );
    });
    return token;
  }
}
