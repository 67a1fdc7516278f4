// Builds the web app into dist/ (index.html + hashed assets/), which the server embeds
// and serves with an index.html fallback. `npm run dev` proxies the API to a local server.
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

const server = process.env.TAPEDECK_DEV_SERVER ?? 'http://127.0.0.1:7070';

export default defineConfig({
  base: '/',
  plugins: [preact()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': server,
      '/sdk': server,
      '/demo': server,
    },
  },
});
