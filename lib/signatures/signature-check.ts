/** Outcome of checking a signed request; `code` says which part failed so the 401 can say it too. */
export type SignatureCheck =
  | { ok: true }
  | {
      ok: false;
      code:
        | 'signature_missing'
        | 'signature_malformed'
        | 'signature_invalid'
        | 'timestamp_missing'
        | 'timestamp_invalid'
        | 'timestamp_stale';
      message: string;
    };

export const SIGNATURE_OK: SignatureCheck = { ok: true };
