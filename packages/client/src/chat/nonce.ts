/**
 * A fresh id for one publish: a retry with the same nonce is stored once by the server. Uses the
 * platform's UUIDs where there are any (browsers in secure contexts, Node 19+), else 128 random
 * bits from getRandomValues, else Math.random (still unique enough per sender, which is the scope
 * the server checks it in).
 */
/** The part of Web Crypto used here, typed without the DOM library (the SDK also runs in Node). */
interface PlatformCrypto {
  randomUUID?: () => string;
  getRandomValues?: (bytes: Uint8Array) => Uint8Array;
}

export function createNonce(): string {
  const c = (globalThis as { crypto?: PlatformCrypto }).crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof c?.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
