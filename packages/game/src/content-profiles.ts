import rawFast from './content.fast.json';
import { type Content, defaultContent, parseContent } from './content.js';
import rawDefault from './content.json';

/** A partial content object: only the values it names replace the default content's. */
export type ContentOverride = { readonly [key: string]: unknown };

/**
 * Named content profiles. `fast` keeps the default rules but shortens every timing (builds in
 * seconds, a raid every minute and a half) for development and tests.
 */
const profileOverrides = {
  default: {},
  fast: rawFast,
} satisfies Record<string, ContentOverride>;

export type ContentProfile = keyof typeof profileOverrides;
export const contentProfileNames = Object.keys(profileOverrides) as ContentProfile[];

export function isContentProfile(name: string): name is ContentProfile {
  return Object.hasOwn(profileOverrides, name);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Merges `override` onto `base`: nested objects merge key by key, anything else (numbers,
 * arrays, null) replaces the base value. Neither input is modified.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    // defineProperty, not assignment: a "__proto__" key in parsed JSON must stay a plain key.
    Object.defineProperty(merged, key, {
      value: deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return merged;
}

/** Every named profile, resolved and validated once. */
export const contentProfiles: Readonly<Record<ContentProfile, Content>> = {
  default: defaultContent,
  fast: parseContent(deepMerge(rawDefault, profileOverrides.fast), 'content profile "fast"'),
};

/**
 * The content a server (or client) runs with: a named profile, or an override object merged onto
 * the default content. Throws with the offending path when the result is not valid content.
 */
export function resolveContent(choice: ContentProfile | ContentOverride): Content {
  if (typeof choice === 'string') {
    if (!isContentProfile(choice)) {
      throw new Error(`unknown content profile "${choice}" (known: ${contentProfileNames.join(', ')})`);
    }
    return contentProfiles[choice];
  }
  if (!isPlainObject(choice)) throw new Error('a content override must be a JSON object');
  return parseContent(deepMerge(rawDefault, choice), 'content override');
}
