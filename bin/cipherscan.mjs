#!/usr/bin/env node
// The `cipherscan` command: runs the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/apps/cli/main.ts');
process.exit(await main(process.argv.slice(2)));
