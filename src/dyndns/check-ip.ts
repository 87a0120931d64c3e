import type { FastifyInstance } from 'fastify';
import { clientAddress } from './credentials.ts';

/**
 * `/nic/checkip`: a small page with `Current IP Address: a.b.c.d`, which ddclient's `use=web`
 * (Joker's own recipe) and other DynDNS clients scrape for the first address on it; nothing else
 * on the page looks like an address. `/nic/myip`: the address alone. Both show the address the
 * connection comes from (dmapid trusts no forwarding headers).
 */
export async function registerCheckIp(http: FastifyInstance): Promise<void> {
  const plain = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
  http.get('/nic/checkip', async (req, reply) =>
    reply
      .headers({ ...plain, 'Content-Type': 'text/html; charset=utf-8' })
      .send(`<html><head><title>Current IP Check</title></head><body>Current IP Address: ${clientAddress(req)}</body></html>\n`),
  );
  http.get('/nic/myip', async (req, reply) => reply.headers(plain).send(`${clientAddress(req)}\n`));
}
