import { SessionAuth, SessionError } from '@perihelion/client';
import { el } from '../game/hud/dom.js';

/** The operator's profile (their name in the audit log), kept like a player's. */
const PROFILE_KEY = 'perihelion.admin.profileToken';
/**
 * The ADMIN_TOKEN, for this tab only (sessionStorage): a reload stays signed in, closing the tab
 * or signing out forgets it. Every session renewal presents it again.
 */
const TOKEN_KEY = 'perihelion.admin.token';
const NAME_KEY = 'perihelion.admin.name';

export interface Credentials {
  adminToken: string;
  name: string;
}

/** The credentials this tab signed in with, if it did. */
export function rememberedCredentials(): Credentials | null {
  const adminToken = sessionStorage.getItem(TOKEN_KEY);
  return adminToken ? { adminToken, name: localStorage.getItem(NAME_KEY) ?? 'Operator' } : null;
}

export function forgetCredentials(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/**
 * An admin session: a session (POST /api/session) presenting the ADMIN_TOKEN, renewed before it
 * runs out like a player's. Resolves once the server has granted the admin role; rejects with the
 * server's reason (e.g. "wrong admin token").
 */
export async function openAdminSession(creds: Credentials): Promise<SessionAuth> {
  const auth = new SessionAuth({
    url: '',
    adminToken: creds.adminToken,
    name: creds.name,
    profileToken: localStorage.getItem(PROFILE_KEY),
  });
  auth.on('session', (s) => localStorage.setItem(PROFILE_KEY, s.profileToken));
  try {
    const session = await auth.refresh();
    if (session.role !== 'admin') throw new Error('the server did not grant the admin role');
  } catch (err) {
    auth.close();
    throw err instanceof SessionError ? new Error(err.error.message) : err;
  }
  sessionStorage.setItem(TOKEN_KEY, creds.adminToken);
  localStorage.setItem(NAME_KEY, creds.name);
  return auth;
}

/** The sign-in card: the server's ADMIN_TOKEN and the name the audit log shows. */
export function signInForm(onSignedIn: (auth: SessionAuth, name: string) => void): HTMLElement {
  const card = el('form', 'hud-card admin-sign-in');
  card.dataset.testid = 'admin-sign-in';
  const token = el('input', 'admin-input');
  token.type = 'password';
  token.autocomplete = 'current-password';
  token.required = true;
  token.dataset.testid = 'admin-token';
  const name = el('input', 'admin-input');
  name.required = true;
  name.maxLength = 24;
  name.value = localStorage.getItem(NAME_KEY) ?? '';
  name.dataset.testid = 'admin-name';
  const submit = el('button', 'admin-button admin-button-primary', 'Sign in');
  submit.type = 'submit';
  submit.dataset.testid = 'admin-sign-in-submit';
  const error = el('p', 'admin-sign-in-error');
  error.dataset.testid = 'admin-sign-in-error';
  error.setAttribute('role', 'alert');
  const field = (label: string, input: HTMLInputElement) => {
    const wrap = el('label', 'admin-field');
    wrap.append(el('span', 'hud-label', label), input);
    return wrap;
  };
  card.append(
    el('span', 'hud-brand', 'Perihelion'),
    el('h1', 'admin-title', 'Admin console'),
    field('Admin token (the server’s ADMIN_TOKEN)', token),
    field('Your name (shown in the audit log)', name),
    submit,
    error,
  );
  card.addEventListener('submit', async (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = 'Signing in…';
    try {
      const creds = { adminToken: token.value, name: name.value.trim() };
      onSignedIn(await openAdminSession(creds), creds.name);
    } catch (err) {
      error.textContent = err instanceof Error ? err.message : String(err);
      submit.disabled = false;
    }
  });
  return card;
}
