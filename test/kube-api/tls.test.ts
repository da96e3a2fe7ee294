import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createServerTls,
  issueServerCertificate,
} from '../../lib/sim/tls/index.js';

function get(port: number, ca: string | undefined, servername?: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      { host, port, path: '/', ...(ca === undefined ? {} : { ca }), ...(servername ? { servername } : {}) },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve(body));
      },
    );
    req.on('error', reject);
  });
}

async function withServer<T>(keyPem: string, certPem: string, run: (port: number) => Promise<T>): Promise<T> {
  const server = https.createServer({ key: keyPem, cert: certPem }, (_req, res) => res.end('hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await run((server.address() as AddressInfo).port);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('simulated cluster TLS', () => {
  it('issues a CA and a server certificate for 127.0.0.1 and localhost that the CA signed', async () => {
    const tls = await createServerTls();
    const ca = new X509Certificate(tls.caPem);
    const server = new X509Certificate(tls.certPem);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
    expect(tls.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it('serves HTTPS that a client trusting only the CA accepts, by IP and by name', async () => {
    const tls = await createServerTls();
    await withServer(tls.keyPem, tls.certPem, async (port) => {
      expect(await get(port, tls.caPem)).toBe('hello');
      expect(await get(port, tls.caPem, 'localhost')).toBe('hello');
      await expect(get(port, undefined)).rejects.toThrow(/self.signed|unable to verify|issuer/i);
      const other = await createServerTls();
      await expect(get(port, other.caPem)).rejects.toThrow(/self.signed|unable to verify|issuer/i);
    });
  });

  it('honours the names asked for and refuses a certificate without any', async () => {
    const ca = await createCertificateAuthority('test-ca');
    const named = await issueServerCertificate(ca, { ipAddresses: [], dnsNames: ['api.sim.internal'] });
    const cert = new X509Certificate(named.certPem);
    expect(cert.checkHost('api.sim.internal')).toBe('api.sim.internal');
    expect(cert.checkIP('127.0.0.1')).toBeUndefined();
    expect(cert.issuer).toContain('CN=test-ca');
    await withServer(named.keyPem, named.certPem, async (port) => {
      await expect(get(port, ca.certPem)).rejects.toThrow(
        /IP: 127.0.0.1 is not in the cert's list|altnames/i,
      );
    });
    await expect(issueServerCertificate(ca, { ipAddresses: [], dnsNames: [] })).rejects.toThrow(
      /at least one/,
    );
  });
});
