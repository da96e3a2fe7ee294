import { ApiException } from '@kubernetes/client-node';

/** The rejection of `call` as an ApiException, with its body parsed when it is JSON. */
export async function apiError(
  call: Promise<unknown>,
): Promise<{ code: number; body: unknown; text: string }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const text = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A plain-text body stays a string.
    }
    return { code: error.code, body, text };
  }
  throw new Error('expected the call to fail with an ApiException, but it succeeded');
}
