/**
 * The plaintext inside a package: metadata JSON, then binary segments (JPEG 2000
 * codestreams, display table). Layout, all lengths little-endian u32:
 *
 *   metadataLength | metadata JSON (UTF-8) | segmentCount | (segmentLength | bytes)*
 *
 * Must never: read past a length, or accept bytes left over at the end.
 */
export interface Payload {
  metadataJson: string;
  segments: Uint8Array[];
}

export function writePayload(p: Payload): Uint8Array {
  const meta = new TextEncoder().encode(p.metadataJson);
  const total = 4 + meta.length + 4 + p.segments.reduce((sum, s) => sum + 4 + s.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  view.setUint32(at, meta.length, true);
  out.set(meta, (at += 4));
  view.setUint32((at += meta.length), p.segments.length, true);
  at += 4;
  for (const s of p.segments) {
    view.setUint32(at, s.length, true);
    out.set(s, (at += 4));
    at += s.length;
  }
  return out;
}

export function readPayload(bytes: Uint8Array): Payload {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const take = (n: number): Uint8Array => {
    if (n < 0 || at + n > bytes.length) throw new Error('package content is truncated');
    const part = bytes.subarray(at, at + n);
    at += n;
    return part;
  };
  const u32 = (): number => {
    take(4);
    return view.getUint32(at - 4, true);
  };
  const metadataJson = utf8Text(take(u32()));
  const count = u32();
  if (count > 16) throw new Error('package content has too many segments');
  const segments: Uint8Array[] = [];
  for (let i = 0; i < count; i++) segments.push(take(u32()).slice());
  if (at !== bytes.length) throw new Error('package content has trailing bytes');
  return { metadataJson, segments };
}

/** Only the metadata JSON of a payload (checking a package's frame list without copying every frame's codestreams). */
export function readPayloadMetadata(bytes: Uint8Array): string {
  if (bytes.length < 4) throw new Error('package content is truncated');
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + length > bytes.length) throw new Error('package content is truncated');
  return utf8Text(bytes.subarray(4, 4 + length));
}

/** The metadata as text; the decoder's own words ("The encoded data was not valid…") stay in `cause`. */
function utf8Text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    throw new Error('package metadata is not valid UTF-8 text', { cause: err });
  }
}
