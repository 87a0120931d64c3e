import type { z } from 'zod';
import type { Command } from './command.ts';
import { errorCatalogue, universalErrors } from './errors.ts';

/** Generated reference files: path (from the project root) → content. A test keeps them fresh. */
export function generatedFiles(commands: readonly Command[]): Record<string, string> {
  return {
    'docs/requests.md': requestsMarkdown(commands),
    'docs/errors.md': errorsMarkdown(),
    'src/client/request-names.ts': requestNamesModule(commands),
  };
}

const accessText = {
  read: 'read (any key)',
  modify: 'modify (full or modify-only key)',
  costs: 'costs (full key only)',
} as const;

/** Parameter names of an object schema, split into required and optional ones. */
export function paramList(schema: z.ZodType): { name: string; required: boolean; description?: string }[] {
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  if (!shape) return [];
  return Object.entries(shape).map(([name, field]) => ({
    name,
    required: !field.safeParse(undefined).success,
    ...(field.description ? { description: field.description } : {}),
  }));
}

// An unknown request has no entry of its own to be listed under.
const universal = universalErrors.filter((k) => k !== 'UNKNOWN_REQUEST');

function requestsMarkdown(commands: readonly Command[]): string {
  const sorted = [...commands].sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [
    '# DMAPI requests',
    '',
    'Generated from the command table by `npm run docs`; do not edit by hand (a test fails when it is stale).',
    '',
    'Every request is `GET` or `POST` to `/request/<name>`; names and parameter names are case-insensitive.',
    `Every request except \`login\` needs a session (\`auth-sid\` or the \`dmapi-auth\` cookie, or \`api-key\`).`,
    'Besides its own errors, any request may answer: ' + universal.map((k) => `\`${errorCatalogue[k].code}\` (${k})`).join(', ') + ' — see [errors.md](errors.md).',
    'Every modifying request (access modify or costs) also takes `idempotency-key` (or the HTTP header `Idempotency-Key`): repeated with the same key and parameters within 24 hours it answers the first reply again, with no second effect — see [integrators.md](integrators.md).',
    '',
    '| request | access | execution | summary |',
    '|---|---|---|---|',
    ...sorted.map((c) => `| [${c.name}](#${c.name}) | ${c.access} | ${c.execution} | ${c.summary.replace(/\|/g, '\\|')} |`),
    '',
  ];
  for (const c of sorted) {
    const params = paramList(c.params);
    out.push(`## ${c.name}`, '', c.summary, '');
    if (c.aliases?.length) out.push(`- aliases: ${c.aliases.map((a) => `\`${a}\``).join(', ')}`);
    out.push(`- access: ${accessText[c.access]}`);
    out.push(`- session: ${c.session === 'none' ? 'not needed' : 'required'}`);
    out.push(
      `- execution: ${c.execution === 'async' ? 'async — answers a Proc-ID at once; the outcome arrives in result-list / result-retrieve' : c.access === 'read' ? 'sync' : 'sync — answers a Proc-ID; its result is acknowledged at once'}`,
    );
    const req = params.filter((p) => p.required);
    const opt = params.filter((p) => !p.required);
    const fmt = (p: { name: string; description?: string }) => `\`${p.name}\`${p.description ? ` (${p.description})` : ''}`;
    out.push(`- requires: ${req.length ? req.map(fmt).join(', ') : '—'}`);
    out.push(`- accepts: ${opt.length ? opt.map(fmt).join(', ') : '—'}`);
    out.push(`- errors: ${c.errors.length ? c.errors.map((k) => `\`${errorCatalogue[k].code}\` ${k}`).join(', ') : 'only the common ones'}`);
    if (c.notes) out.push('', c.notes);
    out.push('');
  }
  return out.join('\n');
}

function errorsMarkdown(): string {
  return [
    '# DMAPI error catalogue',
    '',
    'Generated from `src/dmapi/errors.ts` by `npm run docs`. A failed request answers HTTP 200 with',
    '`Status-Code` and `Status-Text` from this table and at least one `Error:` line saying what is',
    'wrong; a successful one answers `Status-Code: 0` and never an `Error:` line.',
    '',
    '| key | Status-Code | Status-Text | when |',
    '|---|---|---|---|',
    ...Object.entries(errorCatalogue).map(([k, d]) => `| ${k} | ${d.code} | ${d.text} | ${d.when} |`),
    '',
  ].join('\n');
}

function requestNamesModule(commands: readonly Command[]): string {
  const names = commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]).sort();
  return [
    '// Generated from the command table by `npm run docs`; do not edit by hand.',
    '',
    '/** Every request name (and alias) the server implements. */',
    'export const requestNames = [',
    ...names.map((n) => `  '${n}',`),
    '] as const;',
    '',
    'export type RequestName = (typeof requestNames)[number];',
    '',
  ].join('\n');
}
