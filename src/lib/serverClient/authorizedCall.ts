/**
 * One signed-in call to the server, shared by the encrypted-inference (he.ts) and
 * federated-rounds (federated.ts) clients: the bearer token, the fetch, and the
 * mapping of what goes wrong to the typed errors of errors.ts — no answer is a
 * ServerUnreachableError naming the origin, an abort stays the AbortError, an
 * error status is the server's own ServerError. Bodies travel as given (ciphertext
 * frames, sealed text, JSON); this module never looks inside them.
 */
import type { FetchLike } from './client';
import { errorFromResponse, isAbortError, ServerError, ServerProtocolError, ServerUnreachableError } from './errors';

/** The server and the caller's session token; a ServerClient (after signIn) is one. */
export interface SignedInServer {
  baseUrl: string;
  token?: string;
}

export interface AuthorizedCallOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
}

export interface AuthorizedRequest {
  method: string;
  body?: Uint8Array<ArrayBuffer> | string;
  /** the body's content type (sent only with a body) */
  type?: string;
  accept: string;
  /** statuses besides 2xx that the caller reads itself rather than as a ServerError */
  okStatuses?: readonly number[];
}

/** `path` is appended to the server's base URL; throws before sending when there is no token. */
export async function authorizedCall(
  server: SignedInServer,
  path: string,
  request: AuthorizedRequest,
  options: AuthorizedCallOptions,
): Promise<Response> {
  if (!server.token) throw new ServerError(401, 'not-signed-in', 'not signed in: sign in first');
  const base = server.baseUrl.replace(/\/+$/, '');
  // a bare global `fetch` must be called unbound from its object in the browser ("Illegal invocation")
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers: Record<string, string> = { accept: request.accept, authorization: `Bearer ${server.token}` };
  if (request.body !== undefined && request.type) headers['content-type'] = request.type;
  let response: Response;
  try {
    response = await doFetch(`${base}${path}`, {
      method: request.method,
      headers,
      body: request.body,
      signal: options.signal,
    });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ServerUnreachableError(new URL(base).origin);
  }
  if (!response.ok && !request.okStatuses?.includes(response.status)) throw await errorFromResponse(response);
  return response;
}

/** The answer's JSON; a body that is not JSON (a proxy's page, a cut answer) is a ServerProtocolError. */
export async function readJson<T>(response: Response, what: string): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ServerProtocolError(`${what} did not answer JSON`);
  }
}
