import type { GameSession } from '../session/session.js';
import { ContentOverlay } from './content-overlay.js';
import { TuningApi } from './tuning-api.js';
import { TuningPanel } from './tuning-panel.js';

interface HotTools {
  mounted?: boolean;
}

// Once per page, like the session: a hot reload of the game keeps the panel and its state.
const hot: HotTools = import.meta.hot ? (import.meta.hot.data as HotTools) : {};

/**
 * The designer's tools over the game: the content error overlay (a development server reports
 * refused content edits) and the tuning panel, shown once the server says this session may tune
 * (every player on a development server, admins elsewhere).
 */
export function mountDesignerTools(session: GameSession): void {
  if (hot.mounted) return;
  hot.mounted = true;
  const overlay = new ContentOverlay(session.contentState);
  const api = new TuningApi(session.launch.server, () => session.client.auth.current());
  const panel = new TuningPanel(api, session.contentState);
  panel.toggle.hidden = true;
  document.body.append(overlay.root, panel.toggle, panel.root);
  let asked = false;
  const ask = async () => {
    if (asked) return;
    asked = true;
    const answer = await api.state();
    panel.toggle.hidden = !answer.ok;
    // A session that could not ask (the server restarting) asks again with the next session.
    if (!answer.ok && (answer.status === 0 || answer.status >= 500)) asked = false;
  };
  session.client.auth.on('session', () => void ask());
  if (session.client.auth.session) void ask();
}
