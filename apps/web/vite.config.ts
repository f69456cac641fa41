import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The game server the dev server forwards to. `pnpm dev` runs both on one machine; point
 * PERIHELION_SERVER elsewhere to develop the client against a remote or differently-ported server.
 */
const gameServer = process.env.PERIHELION_SERVER ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs: the server may mount the built client under any path.
  base: './',
  server: {
    port: 5173,
    // A silently different port would break the README's URL and the proxy setup people expect.
    strictPort: true,
    proxy: {
      // Same-origin in dev as in production, so the SDK needs no special URL: Socket.IO (both
      // transports; ws for the upgrade), the unload beacon, and the health check.
      '/socket.io': { target: gameServer, ws: true, changeOrigin: true },
      '/api': { target: gameServer, changeOrigin: true },
      '/healthz': { target: gameServer, changeOrigin: true },
    },
  },
  build: {
    // The game server serves this folder in production (WEB_DIST).
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Phaser alone is over a megabyte minified; it gets its own long-cached chunk, so the warning
    // about it says nothing useful.
    chunkSizeWarningLimit: 1600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'phaser', test: /[\\/]node_modules[\\/](\.pnpm[\\/])?phaser/, priority: 2 },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
});
