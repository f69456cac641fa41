import { GameClient, type GameClientApi } from '@perihelion/client';
import { type Content, shipFromArray, shipToArray, stepShip } from '@perihelion/game';
import { NODE_HINT_PARAM } from '@perihelion/protocol';
import { mountChat } from './chat-session.js';
import { ContentState } from './content-state.js';
import { storedInboxCursor } from './inbox-cursor.js';
import { type LaunchOptions, readLaunchOptions } from './launch-options.js';
import { rememberedPilotName } from './pilot-name.js';
import { ProfileToken } from './profile-token.js';
import { RenderedFrame } from './rendered-frame.js';
import { Toasts } from './toasts.js';
import { UniverseCommands } from './universe-commands.js';
import { UniverseState } from './universe-state.js';

/** Everything that must outlive a Phaser.Game: the connection, the universe, what was last drawn. */
export interface GameSession {
  readonly client: GameClientApi;
  readonly launch: LaunchOptions;
  readonly frame: RenderedFrame;
  readonly universe: UniverseState;
  readonly commands: UniverseCommands;
  readonly toasts: Toasts;
  /** HUD choices the player made (they survive a hot reload too). */
  readonly ui: { notificationsOpen: boolean };
  /** The name to show for the player: the server's once known, else the one asked for. */
  pilotName(): string;
  /** The content in force: the server's (see ContentState). */
  content(): Content;
  readonly contentState: ContentState;
  /** How many times the game connection has been opened (1 after the first connect). */
  connects(): number;
}

/** The server's rate until the join tells us the real one. */
const FALLBACK_TICK_RATE = 30;

interface HotState {
  session?: GameSession;
}

/*
 * Hot reload keeps the player in the game: the session is created once per page and parked in
 * import.meta.hot.data, so re-running this module (or anything that imports it) never opens a
 * second socket. The content comes from the server (ContentState), which sends it again whenever
 * a designer changes it, so it needs no hot reload of its own.
 */
const hot: HotState = import.meta.hot ? (import.meta.hot.data as HotState) : {};

export const session: GameSession = hot.session ?? createSession();
hot.session = session;

function createSession(): GameSession {
  // Replays unacknowledged inputs with new rules; the client exists by the time content arrives.
  const contentState = new ContentState(() => client.rulesChanged());
  const content = () => contentState.content;
  let connects = 0;
  const launch = readLaunchOptions();
  const token = new ProfileToken();
  const storedToken = token.get();
  // A returning player keeps the name of their profile unless the URL asks for another one.
  const requestedName = launch.name ?? (storedToken ? null : rememberedPilotName());
  const client: GameClient = new GameClient({
    url: launch.server,
    sector: launch.sector,
    ...(requestedName ? { name: requestedName } : {}),
    ...(storedToken ? { token: storedToken } : {}),
    inboxCursor: storedInboxCursor(),
    transport: launch.transport,
    // Connect to this node first (the sector may still send the page on to the node that runs it).
    ...(launch.node ? { socketOptions: { query: { [NODE_HINT_PARAM]: launch.node } } } : {}),
    // The same rule the server runs, so the own ship moves the instant a key is pressed.
    predict: (own, buttons) => {
      const ship = shipFromArray(own);
      if (!ship) return [...own];
      const tickRate = client.tickRate > 0 ? client.tickRate : FALLBACK_TICK_RATE;
      return shipToArray(stepShip(ship, buttons, 1 / tickRate, content()));
    },
  });
  // Kept as soon as the session is issued (even if the game connection then fails), and on every
  // connection after that.
  client.auth.on('session', (s) => token.save(s.profileToken));
  client.on('identity', (identity) => {
    connects++;
    token.save(identity.token);
  });
  client.on('message', (event, payload) => contentState.receive(event, payload));
  mountChat(client.chat, { isAdmin: () => client.auth.session?.role === 'admin' });
  const universe = new UniverseState(client);
  const toasts = new Toasts();
  // Listeners run in the order added: the universe has recorded the notification before this.
  client.on('notification', (message) => toasts.push(message.text, toastTone(message.kind), 7000));
  client.connect();
  // pagehide (not beforeunload) fires reliably on close, navigation and bfcache; the beacon makes
  // our ship vanish for everyone at once, even over long-polling.
  window.addEventListener('pagehide', () => client.closeOnUnload());
  // A page restored from the back/forward cache comes back with that session closed: start over.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload();
  });
  return {
    client,
    launch,
    frame: new RenderedFrame(),
    universe,
    commands: new UniverseCommands(client, universe, toasts, content),
    toasts,
    ui: { notificationsOpen: true },
    pilotName() {
      const self = client.playerId ? client.roster.get(client.playerId) : undefined;
      return self?.name ?? universe.identity?.name ?? universe.profile?.name ?? requestedName ?? 'Pilot';
    },
    content,
    contentState,
    connects: () => connects,
  };
}

function toastTone(kind: string): 'good' | 'warning' | 'info' {
  if (kind.startsWith('raid.')) return 'warning';
  if (kind.endsWith('.complete')) return 'good';
  return 'info';
}
