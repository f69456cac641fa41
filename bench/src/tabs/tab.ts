import type { Agent } from 'node:http';
import {
  CHAT_NAMESPACE,
  type ChannelMessages,
  PROTOCOL_VERSION,
  perihelionParser,
  SESSION_PATH,
  type SubscribeResult,
} from '@perihelion/protocol';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { requestJson } from '../http-json.js';
import type { TabWorkerConfig } from './messages.js';

export type TabState = 'connecting' | 'connected' | 'failed' | 'dropped';

/** What a tab reports to its worker. */
export interface TabHost {
  readonly config: TabWorkerConfig;
  /** Keep-alive pool for session requests. */
  readonly agent: Agent;
  changed(from: TabState | null, to: TabState): void;
  problem(reason: string): void;
  /** A `channel:messages` batch arrived. */
  messages(batch: ChannelMessages): void;
}

/**
 * One idle browser tab, as lean as the protocol allows: a session (Perihelion only), the `/chat`
 * namespace over WebSocket with its access token, and a subscription to one channel; then nothing
 * but heartbeats (answered by engine.io) and whatever the server sends. A raw socket.io-client
 * speaking the protocol (handshake `{protocol, accessToken}`, the protocol's parser), not the SDK's
 * ChatClient: no reconnects, no session renewal, no per-tab timers, so the bots stay small and
 * every drop is counted.
 */
export class IdleTab {
  private state: TabState | null = null;
  private socket: Socket | null = null;

  constructor(
    private readonly host: TabHost,
    private readonly localAddress: string,
  ) {}

  /** Resolves when subscribed or failed (never rejects). */
  async open(): Promise<void> {
    this.set('connecting');
    try {
      const token = this.host.config.target === 'perihelion' ? await this.session() : undefined;
      await this.connect(token);
      this.set('connected');
    } catch (err) {
      this.host.problem(reasonOf(err));
      this.set('failed');
      this.socket?.disconnect();
    }
  }

  private async session(): Promise<string> {
    const { config, agent } = this.host;
    const res = await requestJson(
      'POST',
      `${config.url}${SESSION_PATH}`,
      {},
      {
        agent,
        timeoutMs: config.attemptTimeoutMs,
      },
    );
    const token = (res.body as { accessToken?: unknown } | null)?.accessToken;
    if (res.status !== 200 || typeof token !== 'string') {
      const code = (res.body as { error?: { code?: string } } | null)?.error?.code ?? '';
      throw new Error(`session answered ${res.status} ${code}`.trim());
    }
    return token;
  }

  private async connect(accessToken: string | undefined): Promise<void> {
    const { config } = this.host;
    const options: Partial<ManagerOptions & SocketOptions> & { localAddress: string } = {
      forceNew: true,
      reconnection: false,
      transports: ['websocket'],
      parser: perihelionParser,
      timeout: config.attemptTimeoutMs,
      auth: { protocol: PROTOCOL_VERSION, ...(accessToken !== undefined ? { accessToken } : {}) },
      // Passed through to ws: the connection's source address.
      localAddress: this.localAddress,
    };
    const socket = io(`${config.url}${CHAT_NAMESPACE}`, options);
    this.socket = socket;
    socket.on('channel:messages', (batch: ChannelMessages) => this.host.messages(batch));
    socket.on('disconnect', (reason) => {
      if (this.state !== 'connected') return;
      this.host.problem(`dropped: ${reason}`);
      this.set('dropped');
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const res = (await socket
      .timeout(config.attemptTimeoutMs)
      .emitWithAck('channel:subscribe', { channel: config.channel })) as SubscribeResult;
    if (!res?.ok) throw new Error(`subscribe refused: ${res?.error?.code ?? 'no answer'}`);
  }

  private set(state: TabState): void {
    const from = this.state;
    this.state = state;
    this.host.changed(from, state);
  }
}

function reasonOf(err: unknown): string {
  const data = (err as { data?: { code?: unknown } } | null)?.data;
  if (typeof data?.code === 'string') return `refused: ${data.code}`;
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, 100);
}
