import { webcrypto } from 'node:crypto';
import type { CertificateAuthority } from './certificate-authority.js';
import { KEY_ALGORITHM, SIGNING_ALGORITHM } from './key-algorithm.js';
import { privateKeyPem } from './private-key-pem.js';
import { randomSerialNumber } from './serial-number.js';
import * as x509 from './x509.js';
import type { X509Crypto, X509Key } from './x509-types.js';

export interface ServerCertificateRequest {
  commonName?: string;
  ipAddresses?: string[];
  dnsNames?: string[];
}

export interface ServerCertificate {
  certPem: string;
  keyPem: string;
}

const crypto = webcrypto as unknown as X509Crypto;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A TLS server certificate signed by `ca`; clients verify the host against the SAN entries only. */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  request: ServerCertificateRequest = {},
): Promise<ServerCertificate> {
  const ipAddresses = request.ipAddresses ?? ['127.0.0.1'];
  const dnsNames = request.dnsNames ?? ['localhost'];
  if (ipAddresses.length + dnsNames.length === 0) {
    throw new Error('a server certificate needs at least one IP address or DNS name');
  }
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: `CN=${request.commonName ?? 'kube-apiserver'}`,
      issuer: ca.certificate.subject,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      publicKey: keys.publicKey as unknown as X509Key,
      signingKey: ca.keys.privateKey as unknown as X509Key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
          ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(ca.certificate, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: certificate.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}
