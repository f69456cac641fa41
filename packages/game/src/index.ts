export * from './asteroids.js';
export * from './buttons.js';
export * from './content.js';
export * from './entities.js';
export * from './random.js';
export * from './sector.js';
export * from './ship.js';
