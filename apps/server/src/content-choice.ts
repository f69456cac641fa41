import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Content, resolveContent } from '@perihelion/game';

/**
 * CONTENT is a named profile ("default", "fast") or a JSON file of overrides merged onto the
 * default content. Either way the result is validated; a bad file stops the server with a message.
 */
export function loadContent(choice: string): Content {
  if (choice === 'default' || choice === 'fast') return resolveContent(choice);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(choice), 'utf8'));
  } catch (err) {
    throw new Error(`CONTENT=${choice}: cannot read a JSON file there (${(err as Error).message})`);
  }
  return resolveContent(raw as Record<string, unknown>);
}
