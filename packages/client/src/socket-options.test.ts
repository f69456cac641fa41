import { describe, expect, it } from 'vitest';
import { buildSocketOptions, namespaceUrl } from './socket-options.js';

describe('socket options', () => {
  it('connects to the game namespace, relative when the url is empty', () => {
    expect(namespaceUrl('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/game');
    expect(namespaceUrl('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000/game');
    expect(namespaceUrl('')).toBe('/game');
  });

  it('maps the transport choice onto Socket.IO options', () => {
    expect(buildSocketOptions('websocket', undefined, undefined)).toMatchObject({
      transports: ['websocket'],
    });
    expect(buildSocketOptions('polling', undefined, undefined)).toMatchObject({
      transports: ['polling'],
      upgrade: false,
    });
    expect(buildSocketOptions('auto', undefined, undefined)).toMatchObject({
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
  });

  it('gives every client its own connection and lets the caller override anything', () => {
    const opts = buildSocketOptions('auto', undefined, { reconnectionDelay: 50, transports: ['polling'] });
    expect(opts).toMatchObject({
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: 50,
      transports: ['polling'],
    });
  });
});
