import type { Command } from 'commander';
import { DmapiClient } from '../client/client.ts';
import { requestNames, type RequestName } from '../client/request-names.ts';
import { formatReply } from '../dmapi/reply.ts';

/** `dmapid call <request> key=value…`: any DMAPI request through the typed client, reply printed raw. */
export function registerCallCommand(program: Command): void {
  program
    .command('call <request> [params...]')
    .description('send one DMAPI request (logs in with --api-key or --username/--password first)')
    .option('--url <url>', 'server base URL', `http://127.0.0.1:${process.env.DMAPID_PORT ?? 8080}`)
    .option('--api-key <key>', 'log in with this API key')
    .option('--username <name>', 'log in with this username')
    .option('--password <password>', 'and this password')
    .action(async (request: string, params: string[], o: { url: string; apiKey?: string; username?: string; password?: string }) => {
      const name = request.toLowerCase();
      if (!(requestNames as readonly string[]).includes(name)) throw new Error(`unknown request ${request} (see docs/requests.md)`);
      const form: Record<string, string> = {};
      for (const p of params) {
        const eq = p.indexOf('=');
        if (eq <= 0) throw new Error(`parameter ${p} is not key=value`);
        form[p.slice(0, eq)] = p.slice(eq + 1);
      }
      const client = new DmapiClient(o.url);
      if (name !== 'login') {
        if (o.apiKey) await client.login({ apiKey: o.apiKey });
        else if (o.username && o.password) await client.login({ username: o.username, password: o.password });
      }
      const reply = await client.call(name as RequestName, form);
      process.stdout.write(formatReply(reply));
      if (!reply.ok) process.exitCode = 2;
    });
}
