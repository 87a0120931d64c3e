import { readFileSync } from 'node:fs';

/** The package version, read once. */
export const productVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/** What this process runs: the built JavaScript (`npm run build`) or the TypeScript sources through tsx. */
export const runningFrom: 'built JavaScript' | 'TypeScript sources' = import.meta.url.endsWith('.js') ? 'built JavaScript' : 'TypeScript sources';
