export * from './bus.js';
export * from './leases.js';
export * from './node-loads.js';
export { RedisBus, type RedisBusOptions } from './redis-bus.js';
export { RedisLeases, type RedisLeasesOptions } from './redis-leases.js';
export { probeRedis } from './redis-probe.js';
export { openSocketAdapter, type SocketAdapter, type SocketAdapterOptions } from './socket-adapter.js';
