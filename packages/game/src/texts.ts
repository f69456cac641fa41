import { type Content, structureSpec } from './content.js';

/*
 * The sentences players read in notifications and world events. They live with the rules so the
 * server's inbox, the client's toasts and tests all say the same thing.
 */

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "Station core" → "station core", for use mid-sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** "Shield module" → "A shield module"; "Outpost" → "An outpost". */
export function withArticle(name: string): string {
  return `${/^[aeiou]/i.test(name) ? 'An' : 'A'} ${lowerFirst(name)}`;
}

/** "(1200, -340)": whole units, as players read positions. */
export function formatPosition(x: number, y: number): string {
  const round = (v: number) => Math.round(v) || 0; // `|| 0` turns -0 into 0
  return `(${round(x)}, ${round(y)})`;
}

/**
 * A span of time as players read it, as precise as it matters: seconds under a minute, minutes
 * and seconds under ten minutes, whole minutes under an hour, then hours and minutes.
 */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return plural(s, 'second');
  if (s < 600) {
    const rest = s % 60;
    const minutes = plural(Math.floor(s / 60), 'minute');
    return rest ? `${minutes} ${plural(rest, 'second')}` : minutes;
  }
  const minutes = Math.round(s / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const rest = minutes % 60;
  const hours = plural(Math.floor(minutes / 60), 'hour');
  return rest ? `${hours} ${plural(rest, 'minute')}` : hours;
}

/** The kind's display name; the kind id itself when the content does not know it (old rows). */
export function structureName(kind: string, content: Content): string {
  return structureSpec(kind, content)?.name ?? kind;
}

export function constructionCompleteText(kind: string, x: number, y: number, content: Content): string {
  return `Construction complete: ${structureName(kind, content)} at ${formatPosition(x, y)}`;
}

export function raidWarningText(secondsUntil: number): string {
  if (Math.round(secondsUntil) <= 0) return 'Space dragons inbound any moment now';
  return `Space dragons inbound in ${formatDuration(secondsUntil)}`;
}

export function raidStartText(): string {
  return 'Space dragons are raiding the sector! Unshielded structures will take damage';
}

export function raidEndText(): string {
  return 'The space dragons have left';
}

/** An operator called the raid off (the admin console): no structure takes damage. */
export function raidCalledOffText(): string {
  return 'The space dragons turned back: the raid was called off';
}

/** What a raid did to one of the reader's structures; `hp` is what it has left. */
export function raidDamageText(
  kind: string,
  x: number,
  y: number,
  hp: number,
  destroyed: boolean,
  content: Content,
): string {
  const what = `your ${structureName(kind, content)} at ${formatPosition(x, y)}`;
  if (destroyed) return `Space dragons destroyed ${what}`;
  const maxHp = structureSpec(kind, content)?.hp;
  const left = Math.max(0, Math.round(hp));
  return `Space dragons damaged ${what}: ${maxHp ? `${left}/${maxHp}` : left} hp left`;
}
