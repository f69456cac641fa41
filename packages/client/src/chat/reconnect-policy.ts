import { errorPayloadSchema } from '@perihelion/protocol';
import { isPermanentHandshakeRefusal } from '../refusals.js';
import { RetryTimer } from '../retry-timer.js';
import type { ChatSocket } from './chat-socket.js';

export interface ReconnectOptions {
  /** Off: never reconnect here (the socket's owner takes care of it). */
  reconnect: boolean;
  /** First delay (doubling, jittered, up to 3 s or this). */
  reconnectDelayMs: number;
}

/**
 * Brings the socket back when Socket.IO will not by itself: after the server closed it (`io server
 * disconnect`: a restart, an expired session) or its middleware refused the handshake for a reason
 * that may pass. Never after the socket's owner disconnected it (that is their choice), nor after a
 * permanent refusal (retrying cannot help), nor once the client is closed.
 */
export class ReconnectPolicy {
  private readonly retries: RetryTimer;

  constructor(
    private readonly socket: ChatSocket,
    private readonly options: ReconnectOptions,
    private readonly isClosed: () => boolean,
  ) {
    const delay = options.reconnectDelayMs;
    this.retries = new RetryTimer(delay, Math.max(delay, 3000));
  }

  /** A connection worked: the next trouble starts from the short delay again. */
  connected(): void {
    this.retries.succeeded();
  }

  disconnected(reason: string): void {
    // Socket.IO comes back by itself after a network loss, not when the server closed us.
    if (reason === 'io server disconnect') this.reconnectLater();
  }

  connectFailed(err: Error & { data?: unknown }): void {
    const refusal = errorPayloadSchema.safeParse(err.data);
    if (refusal.success && isPermanentHandshakeRefusal(refusal.data.code)) return;
    // A refusal by the server's middleware stops Socket.IO's own retries; a network error doesn't.
    this.reconnectLater();
  }

  cancel(): void {
    this.retries.cancel();
  }

  private reconnectLater(): void {
    if (!this.options.reconnect || this.isClosed()) return;
    this.retries.schedule(() => {
      if (!this.isClosed() && !this.socket.active) this.socket.connect();
    });
  }
}
