/**
 * The HTTP client of the CipherScan server (docs/server.md, "HTTP API"), one
 * method per route. Isomorphic: the page and the CLI use it alike, with the
 * global `fetch` or one injected (tests). It carries only what the contract lets
 * the server see — bundles of ciphertext, public keys, signatures — and holds the
 * session token in memory only (no cookie: the server takes Bearer tokens, so no
 * ambient authority).
 *
 * Errors: a refusal is a ServerError with the server's sentence; no answer at all
 * is a ServerUnreachableError naming the URL; an abort is the AbortError as fetch
 * gives it.
 */
import type { JWK } from 'jose';
import { authorizedCall, readJson, type FetchLike } from './authorizedCall';
import { serverOrigin, signChallenge, type SigningKey } from './challenge';
import { studySummariesFromDicomJson, type StudySummary } from './dicomJson';
import { ServerError } from './errors';
import { BUNDLE_MEDIA_TYPE, encodeStowBody } from './multipart';
import type {
  Account,
  AuditEntry,
  AuditVerification,
  CallOptions,
  Challenge,
  PublicAccount,
  Reader,
  Session,
  ShareRequest,
  StowResult,
  UploadProgress,
} from './types';

export type { FetchLike };

export interface ServerClientOptions {
  /** e.g. `http://localhost:8787` (a path prefix before `/api` is kept) */
  baseUrl: string;
  fetch?: FetchLike;
  /** a session token from an earlier sign-in */
  token?: string;
}

export interface UploadOptions extends CallOptions {
  onProgress?: (progress: UploadProgress) => void;
}

interface Call extends CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  body?: Uint8Array<ArrayBuffer>;
  contentType?: string;
  accept?: string;
  /** false for the routes one calls before signing in */
  auth?: boolean;
}

export type ServerClient = ReturnType<typeof createServerClient>;

export function createServerClient(options: ServerClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = serverOrigin(base);
  let session: Session | undefined;
  let token = options.token;

  function send(path: string, call: Call = {}): Promise<Response> {
    let body: Uint8Array<ArrayBuffer> | string | undefined;
    let type: string | undefined;
    if (call.json !== undefined) {
      type = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.body !== undefined) {
      type = call.contentType ?? 'application/octet-stream';
      body = call.body;
    }
    return authorizedCall(
      { baseUrl: base, token },
      path,
      {
        method: call.method ?? 'GET',
        body,
        type,
        accept: call.accept ?? 'application/json',
        anonymous: call.auth === false,
      },
      { fetch: options.fetch, signal: call.signal },
    );
  }

  async function json<T>(path: string, call: Call = {}): Promise<T> {
    return readJson<T>(await send(path, call), `${call.method ?? 'GET'} ${path}`);
  }

  const segment = encodeURIComponent;

  function keep(answer: Session): Session {
    session = answer;
    token = answer.token;
    return answer;
  }

  return {
    baseUrl: base,
    /** the origin signatures are bound to (`aud`) */
    origin,
    get token(): string | undefined {
      return token;
    },
    /** the account of the current session (after a sign-in), if any */
    get signedInAccount(): Account | undefined {
      return session?.account;
    },
    setToken(value: string | undefined): void {
      token = value;
      session = undefined;
    },

    redeemInvitation(
      body: { code: string; signJwk: JWK; wrapJwk: JWK },
      call: CallOptions = {},
    ): Promise<{ account: Account }> {
      return json('/api/auth/invitations/redeem', { ...call, method: 'POST', json: body, auth: false });
    },

    requestChallenge(name: string, call: CallOptions = {}): Promise<Challenge> {
      return json('/api/auth/challenge', { ...call, method: 'POST', json: { name }, auth: false });
    },

    /** Answers a fresh challenge with the account's signing key; the session token is kept for later calls. */
    async signIn(name: string, signPrivateKey: SigningKey, call: CallOptions = {}): Promise<Session> {
      const { challenge } = await json<Challenge>('/api/auth/challenge', {
        ...call,
        method: 'POST',
        json: { name },
        auth: false,
      });
      const signature = await signChallenge(challenge, origin, signPrivateKey);
      return keep(
        await json<Session>('/api/auth/session', {
          ...call,
          method: 'POST',
          json: { name, challenge, signature },
          auth: false,
        }),
      );
    },

    passkeyRegisterOptions(code: string, call: CallOptions = {}): Promise<unknown> {
      return json('/api/auth/passkey/register/options', { ...call, method: 'POST', json: { code }, auth: false });
    },

    async passkeyRegisterVerify(
      body: { code: string; response: unknown; signJwk: JWK; wrapJwk: JWK },
      call: CallOptions = {},
    ): Promise<Session> {
      return keep(
        await json<Session>('/api/auth/passkey/register/verify', { ...call, method: 'POST', json: body, auth: false }),
      );
    },

    passkeyLoginOptions(call: CallOptions = {}): Promise<unknown> {
      return json('/api/auth/passkey/login/options', { ...call, method: 'POST', json: {}, auth: false });
    },

    async passkeyLoginVerify(response: unknown, call: CallOptions = {}): Promise<Session> {
      return keep(
        await json<Session>('/api/auth/passkey/login/verify', {
          ...call,
          method: 'POST',
          json: { response },
          auth: false,
        }),
      );
    },

    me(call: CallOptions = {}): Promise<Account> {
      return json('/api/me', call);
    },

    /** Another account's public keys. They come from the server's directory: trusting them trusts the server. */
    account(name: string, call: CallOptions = {}): Promise<PublicAccount> {
      return json(`/api/accounts/${segment(name)}`, call);
    },

    /**
     * STOW-RS. One request per bundle, in order: fetch reports no upload progress,
     * so a request per part is what lets the page show progress and lets an abort
     * stop the bundles not yet sent. A part the server refuses is reported in
     * `failed` with its sentence; not being signed in, an abort or an unreachable
     * server throws.
     */
    async upload(bundles: Uint8Array[], call: UploadOptions = {}): Promise<StowResult> {
      const result: StowResult = { stored: [], failed: [] };
      const bytesTotal = bundles.reduce((n, b) => n + b.length, 0);
      let bytesSent = 0;
      for (let part = 0; part < bundles.length; part++) {
        call.signal?.throwIfAborted();
        const { contentType, body } = encodeStowBody([bundles[part]]);
        try {
          const answer = await json<StowResult>('/api/dicomweb/studies', {
            signal: call.signal,
            method: 'POST',
            body,
            contentType,
          });
          result.stored.push(...answer.stored);
          for (const failure of answer.failed ?? []) result.failed.push({ ...failure, part });
        } catch (err) {
          if (!(err instanceof ServerError) || err.status === 401) throw err;
          result.failed.push({ part, error: err.code, message: err.message });
        }
        bytesSent += bundles[part].length;
        call.onProgress?.({ done: part + 1, parts: bundles.length, bytesSent, bytesTotal });
      }
      return result;
    },

    /** QIDO-RS: the caller's own studies, or those shared with the caller. */
    async search(scope: 'mine' | 'shared', call: CallOptions = {}): Promise<StudySummary[]> {
      const raw = await json<unknown>(`/api/dicomweb/studies?scope=${segment(scope)}`, {
        ...call,
        accept: 'application/dicom+json',
      });
      return studySummariesFromDicomJson(raw);
    },

    /** WADO-RS: the study's bundle, with the caller's own wrapped key. Hostile input until openDownloadedBundle checks it. */
    async retrieve(uid: string, call: CallOptions = {}): Promise<Uint8Array> {
      const response = await send(`/api/dicomweb/studies/${segment(uid)}`, { ...call, accept: BUNDLE_MEDIA_TYPE });
      return new Uint8Array(await response.arrayBuffer());
    },

    readers(uid: string, call: CallOptions = {}): Promise<Reader[]> {
      return json(`/api/studies/${segment(uid)}/readers`, call);
    },

    share(uid: string, name: string, body: ShareRequest, call: CallOptions = {}): Promise<{ version: number }> {
      return json(`/api/studies/${segment(uid)}/readers/${segment(name)}`, { ...call, method: 'PUT', json: body });
    },

    revoke(uid: string, name: string, body: { record: string }, call: CallOptions = {}): Promise<{ version: number }> {
      return json(`/api/studies/${segment(uid)}/readers/${segment(name)}`, { ...call, method: 'DELETE', json: body });
    },

    setConsent(
      uid: string,
      consent: 'given' | 'withdrawn',
      call: CallOptions = {},
    ): Promise<{ consent: 'given' | 'withdrawn' }> {
      return json(`/api/studies/${segment(uid)}/consent`, { ...call, method: 'PUT', json: { consent } });
    },

    audit(query: { study?: string } = {}, call: CallOptions = {}): Promise<AuditEntry[]> {
      const q = query.study !== undefined ? `?study=${segment(query.study)}` : '';
      return json(`/api/audit${q}`, call);
    },

    auditVerify(call: CallOptions = {}): Promise<AuditVerification> {
      return json('/api/audit/verify', call);
    },
  };
}
