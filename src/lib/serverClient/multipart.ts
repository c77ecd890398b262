/**
 * STOW-RS request bodies (docs/server.md, `POST /api/dicomweb/studies`):
 * `multipart/related; type="application/vnd.cipherscan.bundle"; boundary=…`, one
 * bundle per part (RFC 2387 / RFC 2046). Built here rather than with FormData,
 * which only makes multipart/form-data. Bundles are ciphertext and binary, so the
 * boundary is random and checked against every part: a boundary that occurs inside
 * a part would cut it.
 */
import { toHex } from '../bytes/bytes';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.cipherscan.bundle';

export interface MultipartBody {
  /** the Content-Type header value, boundary included */
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
}

const CRLF = '\r\n';

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function randomBoundary(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  return `cipherscan-${toHex(bytes)}`;
}

/**
 * Encodes bundles as one multipart/related body. `boundary` is for tests; by
 * default a fresh random one is drawn (and redrawn in the astronomically unlikely
 * case that a part contains it).
 */
export function encodeStowBody(parts: Uint8Array[], boundary?: string): MultipartBody {
  if (parts.length === 0) throw new Error('nothing to upload: no bundle given');
  let chosen = boundary ?? randomBoundary();
  if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(chosen)) throw new Error(`not a valid multipart boundary: ${chosen}`);
  while (parts.some((part) => contains(part, ascii(`--${chosen}`)))) {
    if (boundary !== undefined) throw new Error('the multipart boundary occurs inside a part');
    chosen = randomBoundary();
  }
  const head = ascii(`--${chosen}${CRLF}Content-Type: ${BUNDLE_MEDIA_TYPE}${CRLF}${CRLF}`);
  const between = ascii(`${CRLF}`);
  const tail = ascii(`--${chosen}--${CRLF}`);
  const total = parts.reduce((n, part) => n + head.length + part.length + between.length, tail.length);
  const body = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    body.set(head, at);
    at += head.length;
    body.set(part, at);
    at += part.length;
    body.set(between, at);
    at += between.length;
  }
  body.set(tail, at);
  return {
    contentType: `multipart/related; type="${BUNDLE_MEDIA_TYPE}"; boundary=${chosen}`,
    body,
  };
}
