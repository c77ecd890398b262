/**
 * The multipart/related splitter against well-formed bodies (as the client encodes
 * them) and hostile ones: each malformed body is a MultipartError, never a part.
 */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { encodeStowBody } from '../../../lib/serverClient/multipart';
import { errorAnswer } from './errors';
import {
  MultipartError,
  parseContentType,
  parseMultipartRelated,
  registerMultipartRelatedParser,
} from './multipartRelated';

const TYPE = 'application/vnd.cipherscan.bundle';
const limits = { maxParts: 4 };
const header = (boundary = 'b0') => `multipart/related; type="${TYPE}"; boundary=${boundary}`;
const body = (text: string) => Buffer.from(text, 'latin1');

describe('parseContentType', () => {
  it('reads the media type and quoted and bare parameters', () => {
    expect(parseContentType('Multipart/Related; type="a/b"; boundary="x y"')).toEqual({
      mediaType: 'multipart/related',
      params: { type: 'a/b', boundary: 'x y' },
    });
  });
  it('refuses garbage and a repeated parameter', () => {
    expect(parseContentType('not a type')).toBeNull();
    expect(parseContentType('multipart/related; boundary=a; boundary=b')).toBeNull();
  });
});

describe('parseMultipartRelated', () => {
  it('splits what the client encodes, byte for byte, binary parts included', () => {
    const parts = [new Uint8Array([0, 13, 10, 45, 45, 255]), new Uint8Array(1000).map((_, i) => i * 7)];
    const encoded = encodeStowBody(parts, 'boundary-1');
    const parsed = parseMultipartRelated(Buffer.from(encoded.body), encoded.contentType, limits);
    expect(parsed.type).toBe(TYPE);
    expect(parsed.parts.map((p) => [...p.body])).toEqual(parts.map((p) => [...p]));
    expect(parsed.parts.every((p) => p.contentType === TYPE)).toBe(true);
  });

  it('accepts a preamble, a part without headers (type from the body) and an epilogue', () => {
    const parsed = parseMultipartRelated(body('preamble\r\n--b0\r\n\r\nabc\r\n--b0--\r\nepilogue'), header(), limits);
    expect(parsed.parts).toHaveLength(1);
    expect(parsed.parts[0].body.toString()).toBe('abc');
    expect(parsed.parts[0].contentType).toBe(TYPE);
  });

  it.each([
    ['no boundary parameter', 'x', `multipart/related; type="${TYPE}"`],
    ['a boundary over 70 characters', 'x', header('a'.repeat(71))],
    ['another media type', 'x', 'multipart/form-data; boundary=b0'],
    ['a boundary that never occurs', 'just bytes', header()],
    ['truncated: no close delimiter', '--b0\r\n\r\nabc', header()],
    ['truncated inside the headers', '--b0\r\nContent-Type: x', header()],
    ['truncated right after a delimiter', '--b0\r\n\r\nabc\r\n--b0', header()],
    ['a boundary not followed by CRLF', '--b0XYZ\r\n\r\nabc\r\n--b0--', header()],
    ['a malformed part header', '--b0\r\nno colon here\r\n\r\nabc\r\n--b0--', header()],
    ['no part at all', '--b0--\r\n', header()],
    ['more parts than allowed', `${'--b0\r\n\r\nx\r\n'.repeat(5)}--b0--`, header()],
  ])('refuses %s', (_what, text, contentType) => {
    expect(() => parseMultipartRelated(body(text), contentType, limits)).toThrow(MultipartError);
  });

  it('refuses part headers over the limit', () => {
    const text = `--b0\r\nX-Pad: ${'a'.repeat(5000)}\r\n\r\nabc\r\n--b0--`;
    expect(() => parseMultipartRelated(body(text), header(), limits)).toThrow(/oversized headers/);
  });
});

describe('registerMultipartRelatedParser', () => {
  async function app(bodyLimit: number) {
    const server = Fastify();
    registerMultipartRelatedParser(server, limits);
    server.setErrorHandler((err, _req, reply) => {
      const { statusCode, body } = errorAnswer(err);
      return reply.status(statusCode).send(body);
    });
    server.post('/up', { bodyLimit }, async (request) => {
      const parsed = request.body as { parts: { body: Buffer }[] };
      return { sizes: parsed.parts.map((p) => p.body.length) };
    });
    return server;
  }

  it('parses within the limit, 413 over it, 400 for a malformed or truncated body', async () => {
    const server = await app(200);
    const ok = encodeStowBody([new Uint8Array(50), new Uint8Array(3)], 'b0');
    const okAnswer = await server.inject({
      method: 'POST',
      url: '/up',
      headers: { 'content-type': ok.contentType },
      payload: Buffer.from(ok.body),
    });
    expect(okAnswer.json()).toEqual({ sizes: [50, 3] });

    const big = encodeStowBody([new Uint8Array(300)], 'b0');
    const bigAnswer = await server.inject({
      method: 'POST',
      url: '/up',
      headers: { 'content-type': big.contentType },
      payload: Buffer.from(big.body),
    });
    expect(bigAnswer.statusCode).toBe(413);
    expect(bigAnswer.json().error).toBe('too-large');

    const cut = Buffer.from(ok.body).subarray(0, ok.body.length - 10);
    const cutAnswer = await server.inject({
      method: 'POST',
      url: '/up',
      headers: { 'content-type': ok.contentType },
      payload: cut,
    });
    expect(cutAnswer.statusCode).toBe(400);
    expect(cutAnswer.json().error).toBe('bad-multipart');
    await server.close();
  });
});
