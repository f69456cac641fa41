export * from './admin.js';
export * from './auth.js';
export * from './chat.js';
export * from './cluster.js';
export * from './codec/bytes.js';
export * from './codec/entity-columns.js';
export * from './codec/input.js';
export * from './codec/quantize.js';
export * from './codec/snapshot.js';
export * from './errors.js';
export * from './events.js';
export * from './inbox.js';
export * from './limits.js';
export * from './qa-surface.js';
export * from './tuning.js';
export * from './universe.js';
export * from './version.js';
export {
  CompactFrameError,
  compactFrame,
  decodeCompactFrame,
  jsonEventText,
  perihelionParser,
} from './wire/socket-parser.js';
