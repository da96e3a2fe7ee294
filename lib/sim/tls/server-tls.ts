import { createCertificateAuthority } from './certificate-authority.js';
import { issueServerCertificate, type ServerCertificateRequest } from './server-certificate.js';

/** What an HTTPS server needs (`certPem`, `keyPem`) and what its clients trust (`caPem`). */
export interface ServerTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A fresh CA and a server certificate it signed; by default for 127.0.0.1 and localhost. */
export async function createServerTls(request: ServerCertificateRequest = {}): Promise<ServerTls> {
  const ca = await createCertificateAuthority();
  const server = await issueServerCertificate(ca, request);
  return { caPem: ca.certPem, ...server };
}
