import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { aliases } from './vite.aliases';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    resolve: { alias: aliases },
    build: {
      outDir: resolve(root, 'out/main'),
      // Native modules (onnxruntime-node, better-sqlite3, sharp) stay external: never bundled.
      externalizeDeps: true,
      rolldownOptions: {
        input: {
          main: resolve(root, 'src-main/electron/main.ts'),
          serve: resolve(root, 'src-main/server/serve.ts'),
          cli: resolve(root, 'src-main/cli/index.ts'),
          // Started with new Worker(): it must be its own file next to the entries that spawn it.
          'inference.worker': resolve(root, 'src-main/core/inference/inference.worker.ts'),
          'geometry.worker': resolve(root, 'src-main/core/service/geometry.worker.ts'),
          'convert.worker': resolve(root, 'src-main/core/models/convert.worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // One self-contained CommonJS file: a sandboxed preload can neither load ESM nor require packages.
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(root, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    resolve: { alias: aliases },
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
