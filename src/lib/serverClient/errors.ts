/**
 * What can go wrong talking to the CipherScan server, as typed errors whose
 * messages a clinician can read: the server's own sentence for a refusal
 * (docs/server.md: `{error, message}` with a 4xx), "cannot reach the server at URL"
 * when no answer came at all, and a protocol error when an answer is not what the
 * contract says (a proxy's HTML page, a truncated body).
 */

/** The server answered with an error status: `code` is its machine code (`not-found`, …), `message` its sentence. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

/** No answer: DNS, refused connection, TLS, a dropped socket. */
export class ServerUnreachableError extends Error {
  constructor(readonly url: string) {
    super(`cannot reach the server at ${url}: is it running, and is the address right?`);
    this.name = 'ServerUnreachableError';
  }
}

/** An answer that does not follow docs/server.md (wrong content type, malformed JSON or DICOM JSON). */
export class ServerProtocolError extends Error {
  constructor(detail: string) {
    super(`the server's answer was not understood (${detail})`);
    this.name = 'ServerProtocolError';
  }
}

/** Short sentences for statuses whose body carried no message of its own (a proxy, a crash). */
const STATUS_SENTENCES: Record<number, string> = {
  400: 'the server refused the request as malformed',
  401: 'not signed in, or the session has expired: sign in again',
  403: 'the server refused this action',
  404: 'not found',
  409: 'the server refused this change: the record changed meanwhile, try again',
  413: 'the upload is larger than the server accepts',
  429: 'too many requests: wait a moment and try again',
};

/**
 * Maps an error answer to a ServerError. The body is read as the contract's
 * `{error, message}`; anything else (HTML from a proxy, empty) falls back to a
 * sentence for the status, never to the raw body (it could be long or hostile).
 */
export async function errorFromResponse(response: Response): Promise<ServerError> {
  let code = `http-${response.status}`;
  let message = STATUS_SENTENCES[response.status] ?? `the server failed (HTTP ${response.status})`;
  try {
    const body: unknown = JSON.parse(await response.text());
    if (body && typeof body === 'object') {
      const { error, message: sentence } = body as { error?: unknown; message?: unknown };
      if (typeof error === 'string' && error.length > 0 && error.length <= 100) code = error;
      if (typeof sentence === 'string' && sentence.length > 0 && sentence.length <= 500) message = sentence;
    }
  } catch {
    // not the contract's JSON: keep the status sentence
  }
  return new ServerError(response.status, code, message);
}

/** True for an abort by the caller's AbortSignal (fetch rejects with a DOMException named AbortError). */
export function isAbortError(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'AbortError';
}
