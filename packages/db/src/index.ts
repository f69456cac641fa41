export { lockDataDir } from './dir-lock.js';
export * from './schema.js';
export * from './store.js';
