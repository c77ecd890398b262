/**
 * `multipart/related` request bodies (RFC 2387, framing per RFC 2046 §5.1.1), the
 * body of STOW-RS (`POST /api/dicomweb/studies`, docs/server.md): one bundle per part.
 *
 * Fastify collects the body into one Buffer with the route's `bodyLimit` as a hard cap
 * (413 before anything is parsed, and a body shorter than its Content-Length is a 400),
 * and this module splits it. Every body is hostile: a missing or invalid boundary, a
 * part without CRLF framing, a missing close delimiter (truncated upload), oversized
 * part headers or more parts than allowed is a MultipartError (400). Parts are views
 * into the collected Buffer (no copy of up to 64 MiB).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

export const MULTIPART_RELATED = 'multipart/related';

export interface MultipartPart {
  /** lower-cased header names; values trimmed */
  headers: Record<string, string>;
  /** the part's Content-Type, or the `type` parameter of the whole body when the part has none */
  contentType: string;
  body: Buffer;
}

export interface MultipartRelatedBody {
  /** the `type` parameter of the body's Content-Type ('' when absent) */
  type: string;
  parts: MultipartPart[];
}

export interface MultipartLimits {
  /** most parts accepted in one body */
  maxParts: number;
  /** most bytes of one part's header section */
  maxHeaderBytes?: number;
}

/** A malformed multipart body: always a 400 with this sentence. */
export class MultipartError extends HttpError {
  constructor(message: string) {
    super(400, 'bad-multipart', message);
    this.name = 'MultipartError';
  }
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const DEFAULT_MAX_HEADER_BYTES = 4096;
/** RFC 2046 bchars; a boundary is 1–70 of them and does not end in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * A Content-Type value split into its media type (lower-cased) and parameters
 * (names lower-cased, quoted strings unquoted). Returns null when it does not parse.
 */
export function parseContentType(value: string): { mediaType: string; params: Record<string, string> } | null {
  const match = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/.exec(value);
  if (!match) return null;
  const params: Record<string, string> = {};
  let rest = value.slice(match[0].length);
  const param = /^;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=("((?:[^"\\]|\\.)*)"|[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*/;
  while (rest.length > 0) {
    if (/^;\s*$/.test(rest)) break;
    const p = param.exec(rest);
    if (!p) return null;
    const name = p[1].toLowerCase();
    if (name in params) return null; // a repeated parameter is ambiguous: refuse rather than pick one
    params[name] = p[3] !== undefined ? p[3].replace(/\\(.)/g, '$1') : p[2];
    rest = rest.slice(p[0].length);
  }
  return { mediaType: match[1].toLowerCase(), params };
}

/** Splits a collected multipart/related body. Throws MultipartError for anything not framed as RFC 2046 says. */
export function parseMultipartRelated(
  body: Buffer,
  contentTypeHeader: string,
  limits: MultipartLimits,
): MultipartRelatedBody {
  const contentType = parseContentType(contentTypeHeader);
  if (!contentType || contentType.mediaType !== MULTIPART_RELATED)
    throw new MultipartError('the upload is not multipart/related');
  const boundary = contentType.params.boundary;
  if (boundary === undefined) throw new MultipartError('the upload has no multipart boundary');
  if (!BOUNDARY.test(boundary)) throw new MultipartError('the upload has an invalid multipart boundary');
  const type = contentType.params.type ?? '';
  const dashBoundary = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.concat([CRLF, dashBoundary]);
  const maxHeaderBytes = limits.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;

  // The first boundary starts the body or follows a preamble that ends in CRLF.
  let at: number;
  if (body.subarray(0, dashBoundary.length).equals(dashBoundary)) at = dashBoundary.length;
  else {
    const first = body.indexOf(delimiter);
    if (first < 0) throw new MultipartError('the upload has no part (its boundary never occurs)');
    at = first + delimiter.length;
  }

  const parts: MultipartPart[] = [];
  for (;;) {
    // After a boundary: "--" closes the body; otherwise optional transport padding and CRLF open a part.
    if (body[at] === 0x2d && body[at + 1] === 0x2d) break;
    at = skipPadding(body, at);
    if (!startsWith(body, at, CRLF)) throw new MultipartError('a multipart boundary is not followed by CRLF');
    at += CRLF.length;
    if (parts.length >= limits.maxParts) throw new MultipartError(`the upload has more than ${limits.maxParts} parts`);
    const { headers, end: headersEnd } = readHeaders(body, at, maxHeaderBytes);
    const next = body.indexOf(delimiter, headersEnd);
    if (next < 0) throw new MultipartError('the upload is cut short (a part has no closing boundary)');
    parts.push({ headers, contentType: headers['content-type'] ?? type, body: body.subarray(headersEnd, next) });
    at = next + delimiter.length;
  }
  // The close delimiter may be followed by padding and an epilogue, which is ignored (RFC 2046).
  if (parts.length === 0) throw new MultipartError('the upload has no part');
  return { type, parts };
}

function startsWith(body: Buffer, at: number, prefix: Buffer): boolean {
  return at + prefix.length <= body.length && body.subarray(at, at + prefix.length).equals(prefix);
}

function skipPadding(body: Buffer, at: number): number {
  while (at < body.length && (body[at] === 0x20 || body[at] === 0x09)) at++;
  return at;
}

/** Part headers up to the empty line; a part may have none (then its body starts right after the CRLF). */
function readHeaders(
  body: Buffer,
  at: number,
  maxHeaderBytes: number,
): { headers: Record<string, string>; end: number } {
  if (startsWith(body, at, CRLF)) return { headers: {}, end: at + CRLF.length };
  const end = body.indexOf(HEADER_END, at);
  if (end < 0 || end - at > maxHeaderBytes)
    throw new MultipartError(end < 0 ? 'the upload is cut short inside part headers' : 'a part has oversized headers');
  const headers: Record<string, string> = {};
  for (const line of body.toString('latin1', at, end).split('\r\n')) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    if (colon <= 0 || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name))
      throw new MultipartError('a part has a malformed header');
    headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, end: end + HEADER_END.length };
}

/**
 * Registers the parser on an instance (or an encapsulated route scope): the body is
 * collected by Fastify as a Buffer under the route's bodyLimit, then split here.
 */
export function registerMultipartRelatedParser(app: FastifyInstance, limits: MultipartLimits): void {
  app.addContentTypeParser(
    MULTIPART_RELATED,
    { parseAs: 'buffer' },
    (request: FastifyRequest, body: Buffer | string, done: (err: Error | null, body?: unknown) => void) => {
      try {
        const buffer = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
        done(null, parseMultipartRelated(buffer, request.headers['content-type'] ?? '', limits));
      } catch (err) {
        done(err as Error);
      }
    },
  );
}
