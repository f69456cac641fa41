export const SceneKey = {
  Boot: 'boot',
  Preload: 'preload',
  Play: 'play',
  Hud: 'hud',
} as const;
