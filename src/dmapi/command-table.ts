import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

export interface CommandTable {
  readonly commands: readonly Command[];
  /** Finds a request by name or alias, case-insensitively. */
  lookup(name: string): Command | undefined;
}

/** Builds the name/alias index; a duplicate name is a startup failure, not a silent override. */
export function buildCommandTable(list: readonly Command[] = commands): CommandTable {
  const index = new Map<string, Command>();
  for (const c of list) {
    for (const n of [c.name, ...(c.aliases ?? [])]) {
      const key = n.toLowerCase();
      if (index.has(key)) throw new Error(`request name ${n} is declared twice`);
      index.set(key, c);
    }
  }
  return { commands: list, lookup: (name) => index.get(name.toLowerCase()) };
}
