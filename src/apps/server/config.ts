/**
 * The server's settings, with the contract's defaults (docs/server.md): the public
 * origin (what Origin checks, WebAuthn and challenge signatures are bound to), the
 * upload limit, where the built app is, and the rate limits of the sign-in routes.
 * Tests pass small limits; `main.ts` fills this from its command line.
 */

export interface RateLimitConfig {
  /** requests per window for each client IP on the sign-in routes (challenge, session, passkey, redeem) */
  authPerIp: number;
  /** requests per window for each account name on the sign-in routes */
  authPerAccount: number;
  /** requests per window for each client IP on every other API route */
  apiPerIp: number;
  /** window length, milliseconds */
  windowMs: number;
}

export interface ServerConfig {
  /** the public URL of the server, e.g. http://localhost:4173 (scheme, host and port; no path) */
  origin: string;
  /** the largest STOW body accepted, bytes (default 64 MiB) */
  maxUploadBytes: number;
  /** most bundles in one STOW body */
  maxUploadParts: number;
  /** the built app to serve, if any */
  staticDir?: string;
  rateLimit: RateLimitConfig;
  /**
   * Fastify's logger; off unless asked for (it never logs bodies, queries, tokens or headers).
   * `{stream}` writes its JSON lines there instead of stdout (tests).
   */
  logger: boolean | { stream: NodeJS.WritableStream };
  /** how long a client may take to send a whole request, headers and body, milliseconds */
  requestTimeoutMs: number;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Node's own default (Fastify sets 0, which turns it off and lets a client hold a
 * connection open forever by sending a body slowly). It must exceed the slowest
 * legitimate upload: the largest body is a federated contribution of up to 122 MiB
 * (then a STOW of 64 MiB by default, HE keys of 16 MiB), which 300 s lets through at
 * about 0.4 MB/s, a hospital link, not only localhost.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;

export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  authPerIp: 20,
  authPerAccount: 20,
  apiPerIp: 600,
  windowMs: 60_000,
};

export type ServerConfigInput = Pick<ServerConfig, 'origin'> &
  Partial<Omit<ServerConfig, 'origin' | 'rateLimit'>> & { rateLimit?: Partial<RateLimitConfig> };

/** Fills defaults and checks what would make the server unsafe or unusable (a bad origin, a limit that is not a count). */
export function resolveConfig(input: ServerConfigInput): ServerConfig {
  const url = new URL(input.origin);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('origin must be an http(s) URL');
  const config: ServerConfig = {
    origin: url.origin,
    maxUploadBytes: input.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    maxUploadParts: input.maxUploadParts ?? 64,
    staticDir: input.staticDir,
    rateLimit: { ...DEFAULT_RATE_LIMIT, ...input.rateLimit },
    logger: input.logger ?? false,
    requestTimeoutMs: input.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  for (const [name, value] of Object.entries({
    ...config.rateLimit,
    maxUploadBytes: config.maxUploadBytes,
    maxUploadParts: config.maxUploadParts,
    requestTimeoutMs: config.requestTimeoutMs,
  }))
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
  return config;
}
