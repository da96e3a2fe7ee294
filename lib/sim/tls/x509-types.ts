import type * as x509 from './x509.js';

// @peculiar/x509 is typed against the DOM's WebCrypto globals, which this Node project does not load;
// node's `webcrypto` objects are the same things at run time.
export type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
export type X509Key = x509.X509CertificateCreateWithKeyParams['signingKey'];
export type X509KeyPair = x509.X509CertificateCreateSelfSignedParams['keys'];
