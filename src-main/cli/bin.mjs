#!/usr/bin/env node
// The `edgedeck` command. It runs the TypeScript sources directly through tsx so that the CLI
// works from a checkout right after `npm install`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
