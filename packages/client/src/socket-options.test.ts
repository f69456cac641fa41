import { describe, expect, it } from 'vitest';
import { buildManagerOptions, serverOrigin } from './socket-options.js';

describe('socket options', () => {
  it('connects to the given origin, or the page’s own when the url is empty', () => {
    expect(serverOrigin('http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(serverOrigin('http://127.0.0.1:3000/')).toBe('http://127.0.0.1:3000');
    expect(serverOrigin('')).toBeUndefined();
  });

  it('maps the transport choice onto Socket.IO options', () => {
    expect(buildManagerOptions('websocket', undefined)).toMatchObject({ transports: ['websocket'] });
    expect(buildManagerOptions('polling', undefined)).toMatchObject({
      transports: ['polling'],
      upgrade: false,
    });
    expect(buildManagerOptions('auto', undefined)).toMatchObject({
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
    });
  });

  it('leaves connecting to the caller and lets it override anything', () => {
    const opts = buildManagerOptions('auto', { reconnectionDelay: 50, transports: ['polling'] });
    expect(opts).toMatchObject({ autoConnect: false, reconnectionDelay: 50, transports: ['polling'] });
  });
});
