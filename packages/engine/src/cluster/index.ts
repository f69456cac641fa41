export * from './bus.js';
export { RedisBus, type RedisBusOptions } from './redis-bus.js';
