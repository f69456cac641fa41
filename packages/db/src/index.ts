export { lockDataDir } from './dir-lock.js';
export { isUniqueViolation } from './errors.js';
export * from './schema.js';
export * from './store.js';
