export * from './codec/bytes.js';
export * from './codec/quantize.js';
export * from './codec/snapshot.js';
export * from './errors.js';
export * from './events.js';
export * from './limits.js';
export * from './qa-surface.js';
export * from './version.js';
