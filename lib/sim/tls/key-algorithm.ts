/** ECDSA P-256 with SHA-256: fast to generate, and accepted by node, Go (kubectl) and OpenSSL alike. */
export const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;
