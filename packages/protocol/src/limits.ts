/** Largest application message the server accepts; bigger ones get PAYLOAD_TOO_LARGE. */
export const MAX_MESSAGE_BYTES = 2048;
/**
 * Transport-level ceiling (engine.io maxHttpBufferSize). Anything larger is abuse and the
 * transport closes the connection before the payload is even parsed.
 */
export const MAX_TRANSPORT_BYTES = 64 * 1024;
export const MAX_NAME_LENGTH = 24;
export const MAX_SECTOR_ID_LENGTH = 32;
/** Profile tokens are 32 random bytes in base64url (43 characters); allow some headroom. */
export const MAX_TOKEN_LENGTH = 128;
