import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * The game server the dev server forwards to. `pnpm dev` runs both on one machine; point
 * PERIHELION_SERVER elsewhere to develop the client against a remote or differently-ported server.
 */
const gameServer = process.env.PERIHELION_SERVER ?? 'http://127.0.0.1:3000';

/**
 * Content edits reach pages from the game server, which validates them, versions them and sends
 * them over the open connection in step with the simulation (see apps/web/src/session/
 * content-state.ts). Reloading the page's own copy of content.json as well would only race that,
 * and an invalid edit would break the page instead of showing the designer what is wrong.
 */
const contentFromServer: Plugin = {
  name: 'perihelion:content-from-server',
  hotUpdate({ file }) {
    if (/[\\/]packages[\\/]game[\\/]src[\\/]content[^\\/]*\.json$/.test(file)) return [];
  },
};

/**
 * The admin console is its own page (admin.html): Vite serves it at /admin by itself; /admin/
 * would fall back to the game, so it is sent to /admin as the game server does.
 */
const adminConsoleRoute: Plugin = {
  name: 'perihelion:admin-console-route',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      if (req.url !== '/admin/') return next();
      res.statusCode = 301;
      res.setHeader('location', '/admin');
      res.end();
    });
  },
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [contentFromServer, adminConsoleRoute],
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
      // Two pages: the game, and the admin console (no Phaser in it).
      input: {
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        admin: fileURLToPath(new URL('admin.html', import.meta.url)),
      },
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
