#!/usr/bin/env node
// The consensus-lab command. The project is TypeScript run as it is (tsx), without a build step
// that could go stale.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
