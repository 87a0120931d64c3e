#!/usr/bin/env node
// The `dmapid` command. dmapid ships its TypeScript sources and runs them through tsx's loader (a
// runtime dependency), so a checkout, `npm link` and an installed package all start the same code.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
