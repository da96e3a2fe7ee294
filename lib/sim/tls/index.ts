export { type CertificateAuthority, createCertificateAuthority } from './certificate-authority.js';
export {
  issueServerCertificate,
  type ServerCertificate,
  type ServerCertificateRequest,
} from './server-certificate.js';
export { createServerTls, type ServerTls } from './server-tls.js';
