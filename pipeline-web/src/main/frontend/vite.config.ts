import { defineConfig } from 'vite';

// Built into the jar under a private package path (never META-INF/resources, which would leak onto
// the host's root); relative asset URLs so the app works under any mount path (/ci/...).
export default defineConfig({
  base: './',
  build: {
    outDir: '../../../target/classes/org/pipelinekit/web/designer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      // @xyflow/react marks itself "use client" for React Server Components; meaningless in this bundle
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
