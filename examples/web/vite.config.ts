import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * `npm run dev:web` serves the app on :5173 and proxies /graphql to `npm start`'s gateway, so
 * the browser talks to one origin. GATEWAY_URL points the proxy elsewhere.
 */
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/graphql': { target: process.env.GATEWAY_URL ?? 'http://localhost:4000', changeOrigin: true } },
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
