import { webcrypto } from 'node:crypto';
import { KEY_ALGORITHM, SIGNING_ALGORITHM } from './key-algorithm.js';
import { randomSerialNumber } from './serial-number.js';
import * as x509 from './x509.js';
import type { X509Crypto, X509Key, X509KeyPair } from './x509-types.js';

/** A throwaway root CA that lives as long as the process that made it. */
export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  certPem: string;
  keys: webcrypto.CryptoKeyPair;
}

const crypto = webcrypto as unknown as X509Crypto;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function createCertificateAuthority(
  commonName = 'aviary-sim-ca',
): Promise<CertificateAuthority> {
  const keys = (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: `CN=${commonName}`,
      // Backdated so a client whose clock is a little behind still accepts it.
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      signingAlgorithm: SIGNING_ALGORITHM,
      keys: keys as unknown as X509KeyPair,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as X509Key, false, crypto),
      ],
    },
    crypto,
  );
  return { certificate, certPem: certificate.toString('pem'), keys };
}
