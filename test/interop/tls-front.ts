import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

/**
 * What the clients with fixed `https://dmapi.joker.com` / `https://svc.joker.com` URLs need to
 * reach a dmapid listening on loopback HTTP (clients.md §1.3): a test CA made now with openssl,
 * a server certificate from it for those names and 127.0.0.1, a TLS front that decrypts and
 * forwards to dmapid's port, and an HTTP CONNECT proxy that tunnels every CONNECT to the front.
 * Clients trust `caFile` (SSL_CERT_FILE for Go, `ca` for Node) and use `proxyUrl` as HTTPS_PROXY.
 */
export interface TlsFront {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** The TLS front's port on 127.0.0.1 (for clients that take a host and port). */
  tlsPort: number;
  proxyUrl: string;
  /** Hosts asked for through the proxy, in order (`dmapi.joker.com:443`). */
  connects: string[];
  close(): Promise<void>;
}

/** Makes the test CA and a certificate for `names` (DNS names) and 127.0.0.1, signed by it. */
export function makeCertificates(dir: string, names: readonly string[]): { caFile: string; certFile: string; keyFile: string } {
  const at = (f: string) => join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-subj', '/CN=dmapid interop test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', `/CN=${names[0]}`);
  writeFileSync(at('server.ext'), `subjectAltName=${[...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',')}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  ssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at('server.pem'), '-days', '2', '-extfile', at('server.ext'));
  return { caFile: at('ca.pem'), certFile: at('server.pem'), keyFile: at('server.key') };
}

const listening = (server: net.Server): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

export async function startTlsFront(targetPort: number, names: readonly string[] = ['dmapi.joker.com', 'svc.joker.com', 'localhost']): Promise<TlsFront> {
  const dir = mkdtempSync(join(tmpdir(), 'dmapid-tls-front-'));
  const files = makeCertificates(dir, names);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const front = tls.createServer({ cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) }, (clear) => {
    track(clear);
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(upstream);
    clear.pipe(upstream).pipe(clear);
    const end = () => {
      clear.destroy();
      upstream.destroy();
    };
    clear.on('error', end);
    upstream.on('error', end);
  });
  const tlsPort = await listening(front);
  const connects: string[] = [];
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(client);
    connects.push(req.url ?? '');
    const tunnel = net.connect(tlsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) tunnel.write(head);
      client.pipe(tunnel).pipe(client);
    });
    track(tunnel);
    const end = () => {
      client.destroy();
      tunnel.destroy();
    };
    client.on('error', end);
    tunnel.on('error', end);
  });
  const proxyPort = await listening(proxy);
  return {
    dir,
    ...files,
    tlsPort,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    connects,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise((r) => front.close(r)), new Promise((r) => proxy.close(r))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
