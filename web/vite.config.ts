import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The API serves the built app at `/` and answers `/graphql` on the same origin; in development
// vite serves the app and forwards GraphQL to a locally running API (DESIGN.md section 6).
export default defineConfig({
  plugins: [svelte()],
  server: {
    proxy: {
      '/graphql': 'http://127.0.0.1:4000',
    },
  },
  worker: {
    format: 'es',
  },
  build: {
    outDir: 'dist',
    target: 'es2023',
  },
});
