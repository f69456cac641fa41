import { GameClient, type GameClientApi } from '@perihelion/client';
import { type Content, defaultContent, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import { type LaunchOptions, readLaunchOptions } from './launch-options.js';
import { RenderedFrame } from './rendered-frame.js';

/** Everything that must outlive a Phaser.Game: the connection and what was last drawn. */
export interface GameSession {
  readonly client: GameClientApi;
  readonly launch: LaunchOptions;
  readonly frame: RenderedFrame;
}

/** The server's rate until the join tells us the real one. */
const FALLBACK_TICK_RATE = 30;

interface HotState {
  session?: GameSession;
  content?: Content;
}

/*
 * Hot reload keeps the player in the game: the session is created once per page and parked in
 * import.meta.hot.data, so re-running this module (or anything that imports it) never opens a
 * second socket. Content, on the other hand, is refreshed on every run, so a designer's edit to
 * content.json reaches the client's prediction without a reconnect.
 */
const hot: HotState = import.meta.hot ? (import.meta.hot.data as HotState) : {};
hot.content = defaultContent;

export const session: GameSession = hot.session ?? createSession(() => hot.content ?? defaultContent);
hot.session = session;

function createSession(content: () => Content): GameSession {
  const launch = readLaunchOptions();
  const client: GameClient = new GameClient({
    url: launch.server,
    sector: launch.sector,
    name: launch.name,
    transport: launch.transport,
    // The same rule the server runs, so the own ship moves the instant a key is pressed.
    predict: (own, buttons) => {
      const ship = shipFromArray(own);
      if (!ship) return [...own];
      const tickRate = client.tickRate > 0 ? client.tickRate : FALLBACK_TICK_RATE;
      return shipToArray(stepShip(ship, buttons, 1 / tickRate, content()));
    },
  });
  client.connect();
  // pagehide (not beforeunload) fires reliably on close, navigation and bfcache; the beacon makes
  // our ship vanish for everyone at once, even over long-polling.
  window.addEventListener('pagehide', () => client.closeOnUnload());
  // A page restored from the back/forward cache comes back with that session closed: start over.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();
  });
  return { client, launch, frame: new RenderedFrame() };
}
