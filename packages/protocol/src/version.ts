/**
 * Bumped whenever a message shape or the snapshot encoding changes in a way an older peer would
 * misread. Client and server compare it in the handshake so a mismatch is a clear error instead of
 * garbled state.
 */
export const PROTOCOL_VERSION = 4;
