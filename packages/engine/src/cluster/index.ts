export * from './bus.js';
export { RedisBus, type RedisBusOptions } from './redis-bus.js';
export { openSocketAdapter, type SocketAdapter, type SocketAdapterOptions } from './socket-adapter.js';
