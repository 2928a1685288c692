#!/usr/bin/env node
// The CLI from its TypeScript sources through tsx (development: EDGEDECK_CLI_FROM_SOURCE=1, or when
// bin/edgedeck.mjs cannot bundle). The `edgedeck` command itself is bin/edgedeck.mjs.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
