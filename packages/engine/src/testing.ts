/** Test support for suites in other packages (not part of the engine's API). */
export * from './cluster/redis-test-support.js';
