import type { SessionAuth } from '@perihelion/client';
import '../game/hud/hud.css';
import './admin.css';
import { AdminApi } from './admin-api.js';
import { ConsoleView } from './console-view.js';
import { forgetCredentials, openAdminSession, rememberedCredentials, signInForm } from './sign-in.js';
import { TuningSection } from './tuning-section.js';

/*
 * The admin console (/admin): its own page and bundle (no Phaser), styled like the game's HUD.
 * Sign in with the server's ADMIN_TOKEN; the console then polls the admin API and every action
 * goes through it, logged with the name given here.
 */

const root = document.getElementById('admin') ?? document.body;
root.classList.add('hud', 'admin');

function showSignIn(): void {
  root.replaceChildren(signInForm((auth, name) => showConsole(auth, name)));
}

function showConsole(auth: SessionAuth, name: string): void {
  const tuning = new TuningSection(() => auth.current());
  const view = new ConsoleView(
    new AdminApi(auth),
    name,
    () => {
      view.stop();
      tuning.stop();
      auth.close();
      forgetCredentials();
      showSignIn();
    },
    [tuning.root],
  );
  root.replaceChildren(view.root);
  view.start();
}

const remembered = rememberedCredentials();
if (remembered) {
  openAdminSession(remembered).then(
    (auth) => showConsole(auth, remembered.name),
    () => {
      forgetCredentials();
      showSignIn();
    },
  );
} else {
  showSignIn();
}
