export * from './handshake.js';
export * from './principal.js';
export * from './session-expiry.js';
export * from './session-tokens.js';
export * from './socket-auth.js';
