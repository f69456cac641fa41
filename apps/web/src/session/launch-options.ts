import type { TransportChoice } from '@perihelion/client';
import { MAX_NAME_LENGTH, nodeIdSchema } from '@perihelion/protocol';

/** How this page joins the game, read once from its URL (the QA surface's documented parameters). */
export interface LaunchOptions {
  /** Server origin; empty = the page's own origin (production, and the Vite proxy in dev). */
  server: string;
  sector: string;
  /** The name asked for in the URL (it also renames a returning player), or null. */
  name: string | null;
  transport: TransportChoice;
  /** A cluster node to connect to first (the load balancer's routing hint), or null. */
  node: string | null;
}

const DEFAULT_SECTOR = 'alpha';

export function readLaunchOptions(search: string = window.location.search): LaunchOptions {
  const params = new URLSearchParams(search);
  return {
    server: params.get('server')?.trim() ?? '',
    sector: params.get('sector')?.trim().toLowerCase() || DEFAULT_SECTOR,
    // Over-long names are cut to the protocol's limit rather than refused: the player still gets in.
    name: params.get('name')?.trim().slice(0, MAX_NAME_LENGTH) || null,
    transport: parseTransport(params.get('transport')),
    node: parseNode(params.get('node')),
  };
}

function parseNode(value: string | null): string | null {
  const node = value?.trim() ?? '';
  // Not a node id: ignored (the balancer picks one), like any other unusable parameter.
  return nodeIdSchema.safeParse(node).success ? node : null;
}

function parseTransport(value: string | null): TransportChoice {
  // Anything unrecognised falls back to the default rather than breaking the page: a typo in a
  // hand-typed URL should still get the player into the game.
  return value === 'websocket' || value === 'polling' ? value : 'auto';
}
