import { type ErrorPayload, MAX_MESSAGE_BYTES, protocolError } from '@perihelion/protocol';
import type { z } from 'zod';
import { TokenBucket } from '../token-bucket.js';

export interface GuardLimits {
  /** Sustained messages per second a connection may send. */
  messagesPerSecond: number;
  /** Burst above that rate. */
  messageBurst: number;
  /** Violations (bad, unknown, oversized or over-rate messages) tolerated in a burst … */
  violationBurst: number;
  /** … and per second after that, before the connection is dropped as abusive. */
  violationsPerSecond: number;
}

export const DEFAULT_GUARD_LIMITS: GuardLimits = {
  messagesPerSecond: 60,
  // Ten seconds of an honest client's inputs (30/s): after a server stall every message the
  // client sent meanwhile arrives at once, and an honest player must not be cut off for that
  // (seen at 90: a loaded server disconnected most of 500 players as "abusive").
  messageBurst: 300,
  violationBurst: 40,
  violationsPerSecond: 2,
};

export type Verdict =
  | { ok: true; data: unknown; ack: ((...args: unknown[]) => void) | null }
  /** `report` is false when the error was already reported recently (no error flood back). */
  | {
      ok: false;
      error: ErrorPayload;
      report: boolean;
      abusive: boolean;
      ack: ((...args: unknown[]) => void) | null;
    };

/** One empty table for every guard without shortcuts (guards are per connection). */
const NO_SHORTCUTS: Readonly<Record<string, (value: unknown) => unknown>> = Object.freeze({});

/**
 * Checks every incoming message of one connection before any handler sees it: rate, known event,
 * size and shape. Each problem is answered with a typed error and charged to the sender; a sender
 * who keeps misbehaving is marked abusive and the gateway disconnects it.
 */
export class InboundGuard {
  private readonly rate: TokenBucket;
  private readonly violations: TokenBucket;
  /** When a rate-limit error was last reported (other errors are always reported). */
  private lastRateReport = Number.NEGATIVE_INFINITY;

  /**
   * `shortcuts`: per event, a cheap check returning the validated value (or undefined: the schema
   * then decides and words the error), e.g. the protocol's clientEventShortcuts.
   */
  constructor(
    private readonly schemas: Readonly<Record<string, z.ZodType>>,
    limits: GuardLimits = DEFAULT_GUARD_LIMITS,
    private readonly shortcuts: Readonly<Record<string, (value: unknown) => unknown>> = NO_SHORTCUTS,
  ) {
    this.rate = new TokenBucket(limits.messageBurst, limits.messagesPerSecond);
    this.violations = new TokenBucket(limits.violationBurst, limits.violationsPerSecond);
  }

  check(packet: readonly unknown[]): Verdict {
    const event = packet[0];
    // Arguments are packet[1 .. argsEnd); a trailing function is the acknowledgement callback.
    let argsEnd = packet.length;
    const last = packet[argsEnd - 1];
    const ack = argsEnd > 1 && typeof last === 'function' ? (last as (...args: unknown[]) => void) : null;
    if (ack) argsEnd--;
    const name = typeof event === 'string' ? event : String(event);

    if (!this.rate.take()) {
      return this.reject('RATE_LIMITED', 'too many messages; slow down', name, ack);
    }
    const schema =
      typeof event === 'string' && Object.hasOwn(this.schemas, event) ? this.schemas[event] : undefined;
    if (!schema) {
      return this.reject('UNKNOWN_EVENT', `unknown event "${name.slice(0, 40)}"`, name.slice(0, 40), ack);
    }
    const size = approximateSize(packet, 1, argsEnd);
    if (size > MAX_MESSAGE_BYTES) {
      return this.reject(
        'PAYLOAD_TOO_LARGE',
        `message of ${size} bytes exceeds ${MAX_MESSAGE_BYTES}`,
        name,
        ack,
      );
    }
    if (argsEnd > 2) {
      return this.reject('BAD_MESSAGE', `expected at most one argument, got ${argsEnd - 1}`, name, ack);
    }
    const arg = argsEnd > 1 ? packet[1] : undefined;
    const shortcut = Object.hasOwn(this.shortcuts, name) ? this.shortcuts[name] : undefined;
    if (shortcut) {
      const data = shortcut(arg);
      if (data !== undefined) return { ok: true, data, ack };
    }
    const parsed = schema.safeParse(arg);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      return this.reject(
        'BAD_MESSAGE',
        `invalid ${name}${where}: ${issue?.message ?? 'bad shape'}`,
        name,
        ack,
      );
    }
    return { ok: true, data: parsed.data, ack };
  }

  /**
   * Charges one violation found after validation (e.g. a request the handler refused) to the same
   * budget as the guard's own: false once the sender is abusive and should be disconnected.
   */
  charge(): boolean {
    return this.violations.take();
  }

  private reject(
    code: ErrorPayload['code'],
    message: string,
    event: string,
    ack: ((...args: unknown[]) => void) | null,
  ): Verdict {
    const abusive = !this.charge();
    let report = true;
    if (code === 'RATE_LIMITED') {
      const now = performance.now();
      report = now - this.lastRateReport >= 1000;
      if (report) this.lastRateReport = now;
    }
    return { ok: false, error: protocolError(code, message, event), report, abusive, ack };
  }
}

/** Byte size of what a client sent (args[from .. to)), without serialising binary twice. */
function approximateSize(args: readonly unknown[], from: number, to: number): number {
  let total = 0;
  for (let i = from; i < to; i++) {
    const a = args[i];
    if (a instanceof Uint8Array) total += a.byteLength;
    else if (a instanceof ArrayBuffer) total += a.byteLength;
    else {
      try {
        total += JSON.stringify(a)?.length ?? 0;
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    }
  }
  return total;
}
