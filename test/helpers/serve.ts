import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  base: string;
  child: ChildProcess;
  output: () => string;
}

/**
 * Starts `dmapid serve --demo` as its own process on a free port (DNS, redirect and WHOIS off unless
 * `env` says otherwise); resolves with its base URL once the DMAPI listener is up. `fileLimit`
 * runs it under `ulimit -n` (the open files a real deployment may have); `bin` starts that
 * `dmapid` executable instead of the checkout's sources, in `cwd`. An empty `url` leaves the
 * database to the default (SQLite under ./data/).
 */
export function startServer(url: string, env: NodeJS.ProcessEnv = {}, o: { fileLimit?: number; bin?: string; cwd?: string } = {}): Promise<RunningServer> {
  const args = o.bin ? [o.bin, 'serve', '--demo'] : ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--demo'];
  const [command, argv] = o.fileLimit ? ['/bin/sh', ['-c', `ulimit -n ${o.fileLimit} && exec "$0" "$@"`, process.execPath, ...args]] as const : [process.execPath, args] as const;
  const child = spawn(command, argv, {
    cwd: o.cwd ?? root,
    env: { ...process.env, ...(url ? { DMAPID_DATABASE: url } : {}), DMAPID_PORT: '0', DMAPID_HOST: '127.0.0.1', DMAPID_DNS: 'off', DMAPID_REDIRECT: 'off', DMAPID_METRICS: 'off', DMAPID_WHOIS: 'off', DMAPID_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 90_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /dmapid listening: DMAPI (http:\/\/127\.0\.0\.1:\d+)\/request\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1]!, child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
}

/** Ends a server started by startServer. */
export async function stopServer(server: RunningServer): Promise<void> {
  // A killed child has a signalCode and no exitCode: it has exited all the same.
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}
