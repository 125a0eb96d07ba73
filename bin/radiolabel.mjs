#!/usr/bin/env node
// The `radiolabel` command. It runs the build output; during development use `npm run cli -- …` instead.
import { existsSync } from 'node:fs';

const built = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(built)) {
  console.error(
    'radiolabel: not built yet. Run `npm run build` first (or `npm run cli -- …` during development).',
  );
  process.exit(1);
}
await import(built.href);
