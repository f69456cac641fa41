import {
  clientEventSchemas,
  clientEventShortcuts,
  encodeInput,
  MAX_MESSAGE_BYTES,
} from '@perihelion/protocol';
import { describe, expect, it } from 'vitest';
import { InboundGuard } from './inbound-guard.js';

const limits = { messagesPerSecond: 10, messageBurst: 10, violationBurst: 5, violationsPerSecond: 0.001 };

describe('InboundGuard', () => {
  it('passes valid messages with their parsed data and ack', () => {
    const guard = new InboundGuard(clientEventSchemas, limits);
    const ack = () => {};
    const v = guard.check(['join', { sector: 'alpha' }, ack]);
    expect(v).toEqual({ ok: true, data: { sector: 'alpha' }, ack });
  });

  it.each([
    [['nope', 1], 'UNKNOWN_EVENT'],
    [['join', { sector: 'NOT VALID!' }], 'BAD_MESSAGE'],
    [['i', [1, 2]], 'BAD_MESSAGE'],
    [['i', 'hello'], 'BAD_MESSAGE'],
    [['join', { sector: 'a', pad: 'x'.repeat(MAX_MESSAGE_BYTES) }], 'PAYLOAD_TOO_LARGE'],
    [[{ toString: () => 'x' }], 'UNKNOWN_EVENT'],
  ])('rejects %j as %s', (packet, code) => {
    const guard = new InboundGuard(clientEventSchemas, limits);
    const v = guard.check(packet as unknown[]);
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.error.code).toBe(code);
      expect(v.error.message.length).toBeGreaterThan(0);
    }
  });

  it("takes the shortcut for a well-formed input, and words the schema's error for anything else", () => {
    const guard = new InboundGuard(clientEventSchemas, limits, clientEventShortcuts);
    expect(guard.check(['i', encodeInput([7, 3, 2])])).toEqual({ ok: true, data: [7, 3, 2], ack: null });
    const malformed = guard.check(['i', new Uint8Array([1])]);
    expect(malformed.ok).toBe(false);
    if (!malformed.ok) expect(malformed.error.message).toContain('malformed input step');
    const wrongType = guard.check(['i', [7, 3, 2]]);
    expect(wrongType.ok).toBe(false);
    if (!wrongType.ok) expect(wrongType.error.code).toBe('BAD_MESSAGE');
    const extra = guard.check(['i', encodeInput([8, 3, 2]), 'more']);
    expect(extra.ok).toBe(false);
    if (!extra.ok) expect(extra.error.message).toContain('at most one argument');
  });

  it('rate-limits a flood, reports it once, then marks the sender abusive', () => {
    const guard = new InboundGuard(clientEventSchemas, limits);
    const verdicts = Array.from({ length: 30 }, (_, i) => guard.check(['i', encodeInput([i + 1, 0, 0])]));
    const rejected = verdicts.filter((v) => !v.ok);
    expect(verdicts.filter((v) => v.ok)).toHaveLength(10);
    expect(rejected.every((v) => !v.ok && v.error.code === 'RATE_LIMITED')).toBe(true);
    expect(rejected.filter((v) => !v.ok && v.report)).toHaveLength(1);
    expect(rejected.some((v) => !v.ok && v.abusive)).toBe(true);
  });
});
