import { describe, expect, it } from 'vitest';
import { Emitter } from './emitter.js';

interface Events {
  ping: (n: number) => void;
}

describe('Emitter', () => {
  it('delivers to listeners until they unsubscribe', () => {
    const em = new Emitter<Events>();
    const got: number[] = [];
    const off = em.on('ping', (n) => got.push(n));
    em.emit('ping', 1);
    off();
    em.emit('ping', 2);
    expect(got).toEqual([1]);
  });

  it('keeps delivering to the others when one listener throws', async () => {
    const em = new Emitter<Events>();
    const got: number[] = [];
    em.on('ping', () => {
      throw new Error('listener bug');
    });
    em.on('ping', (n) => got.push(n));
    const rethrown = new Promise<unknown>((resolve) => {
      const original = globalThis.queueMicrotask;
      globalThis.queueMicrotask = (fn) => {
        globalThis.queueMicrotask = original;
        try {
          fn();
        } catch (err) {
          resolve(err);
        }
      };
    });
    em.emit('ping', 7);
    expect(got).toEqual([7]);
    expect(await rethrown).toBeInstanceOf(Error);
  });
});
