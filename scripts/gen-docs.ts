import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { commands } from '../src/dmapi/commands/index.ts';
import { generatedFiles } from '../src/dmapi/docs.ts';

for (const [path, content] of Object.entries(generatedFiles(commands))) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  console.log(`wrote ${path}`);
}
