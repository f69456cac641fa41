export { lockDataDir } from './dir-lock.js';
export { isUniqueViolation } from './errors.js';
export { loadPgliteAssets, type PgliteAssets } from './pglite-assets.js';
export * from './schema.js';
export * from './store.js';
