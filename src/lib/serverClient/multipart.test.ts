import { describe, expect, it } from 'vitest';
import { BUNDLE_MEDIA_TYPE, encodeStowBody } from './multipart';

/** A minimal RFC 2046 reader, written apart from the encoder: splits the body on the boundary. */
function parseMultipart(body: Uint8Array, contentType: string): { headers: string; data: Uint8Array }[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)![1];
  const text = Buffer.from(body).toString('latin1');
  const delimiter = `--${boundary}`;
  expect(text.startsWith(delimiter + '\r\n')).toBe(true);
  expect(text.endsWith(`${delimiter}--\r\n`)).toBe(true);
  const pieces = text.slice(0, -`${delimiter}--\r\n`.length).split(delimiter).slice(1);
  return pieces.map((piece) => {
    expect(piece.startsWith('\r\n')).toBe(true);
    expect(piece.endsWith('\r\n')).toBe(true);
    const inner = piece.slice(2, -2);
    const split = inner.indexOf('\r\n\r\n');
    return { headers: inner.slice(0, split), data: new Uint8Array(Buffer.from(inner.slice(split + 4), 'latin1')) };
  });
}

describe('encodeStowBody', () => {
  it('puts each bundle in its own part, byte for byte, with the contract media type', () => {
    const a = new Uint8Array([0x43, 0x53, 0x55, 0x42, 0, 1, 2, 255, 13, 10]);
    const b = crypto.getRandomValues(new Uint8Array(5000));
    const { contentType, body } = encodeStowBody([a, b]);
    expect(contentType).toMatch(/^multipart\/related; type="application\/vnd\.cipherscan\.bundle"; boundary=\S+$/);
    const parts = parseMultipart(body, contentType);
    expect(parts).toHaveLength(2);
    expect(parts[0].headers).toBe(`Content-Type: ${BUNDLE_MEDIA_TYPE}`);
    expect(parts[0].data).toEqual(a);
    expect(parts[1].data).toEqual(b);
  });

  it('draws a fresh boundary for each body', () => {
    const part = new Uint8Array([1, 2, 3]);
    expect(encodeStowBody([part]).contentType).not.toBe(encodeStowBody([part]).contentType);
  });

  it('refuses a given boundary that occurs inside a part, and an empty upload', () => {
    const part = new TextEncoder().encode('xx--fixed-boundary--yy');
    expect(() => encodeStowBody([part], 'fixed-boundary')).toThrow(/inside a part/);
    expect(() => encodeStowBody([])).toThrow(/nothing to upload/);
    expect(() => encodeStowBody([part], 'bad boundary;')).toThrow(/not a valid/);
  });

  it('keeps an exact layout for a fixed boundary', () => {
    const { body } = encodeStowBody([new Uint8Array([65])], 'b1');
    expect(Buffer.from(body).toString('latin1')).toBe(
      `--b1\r\nContent-Type: ${BUNDLE_MEDIA_TYPE}\r\n\r\nA\r\n--b1--\r\n`,
    );
  });
});
