const STORAGE_KEY = 'perihelion.pilotName';

/**
 * A player who never chose a name keeps the same random one across visits, so friends can
 * recognise them. Storage can be unavailable (private mode, sandboxed frames); then the name is
 * simply new each time.
 */
export function rememberedPilotName(): string {
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (stored) return stored;
    const fresh = randomPilotName();
    window.localStorage.setItem(STORAGE_KEY, fresh);
    return fresh;
  } catch {
    return randomPilotName();
  }
}

function randomPilotName(): string {
  return `Pilot-${1000 + Math.floor(Math.random() * 9000)}`;
}
