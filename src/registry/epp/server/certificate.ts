import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsPair {
  cert: string;
  key: string;
  /** Where the pair came from (for the startup line). */
  source: string;
}

/**
 * The EPP listener's certificate: the configured PEM files, or a self-signed pair (P-256,
 * CN and SAN localhost / 127.0.0.1) that the `openssl` command makes in `dir` on first start
 * and that later starts reuse. Clients of the sandbox pin it or skip verification.
 */
export function eppCertificate(o: { certFile?: string | undefined; keyFile?: string | undefined; dir: string }): TlsPair {
  if (o.certFile || o.keyFile) {
    if (!o.certFile || !o.keyFile) throw new Error('DMAPID_EPP_CERT and DMAPID_EPP_KEY go together');
    return { cert: readFileSync(o.certFile, 'utf8'), key: readFileSync(o.keyFile, 'utf8'), source: o.certFile };
  }
  const cert = join(o.dir, 'epp-cert.pem');
  const key = join(o.dir, 'epp-key.pem');
  if (!existsSync(cert) || !existsSync(key)) {
    mkdirSync(o.dir, { recursive: true });
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '825', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  }
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8'), source: `${cert} (self-signed)` };
}
