/**
 * Encrypted inference over HTTP (docs/server.md "Encrypted inference"): a signed-in
 * clinician opens a session with the CKKS Galois keys for one shipped model's head,
 * sends feature ciphertexts, gets logit ciphertexts back. The server never sees a
 * feature, a logit or a secret key, and no route takes a decrypted value back.
 *
 * Each session opening and each inference is a Cedar decision (`heInfer` on the
 * Server), audited with resource `model:<name>`: a deny at once, an allow once the
 * work is done (a refused body audits nothing, as an upload refused after its
 * decision does). Ending a session early is not a decision: it frees memory.
 */
import type { FastifyInstance } from 'fastify';
import { HE_MEDIA_TYPE, HeFrameError } from '../../../lib/serverClient/he';
import { shippedHeads, modelsDirFor, MODEL_NAME } from '../he/heads';
import {
  createHeService,
  HeInputError,
  HeUnknownModelError,
  HeUnknownSessionError,
  MAX_GALOIS_KEY_BYTES,
  MAX_INFER_BODY_BYTES,
  type HeService,
} from '../he/service';
import { SESSION_ID } from '../he/sessions';
import { badRequest, HttpError, notFound } from '../http/errors';
import { decide, signedInBeforeBody, signedInCaller, type RouteContext } from './context';

/** The service a server instance uses; tests may pass their own (an injected SEAL, small limits). */
export function registerHeRoutes(
  api: FastifyInstance,
  ctx: RouteContext,
  he: HeService = createHeService({ heads: shippedHeads(modelsDirFor(ctx.config.staticDir)) }),
): void {
  api.addHook('onClose', async () => he.close());
  // Binary bodies only on these routes: the parser is registered in this plugin's scope.
  void api.register(async (scope) => {
    scope.addContentTypeParser(HE_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // Keys and ciphertexts are megabytes: signed in is checked on the request line, before the body is read.
    const signedIn = signedInBeforeBody(ctx);

    scope.post<{ Querystring: { model: string; params: string }; Body: Buffer }>(
      '/he/sessions',
      {
        bodyLimit: MAX_GALOIS_KEY_BYTES,
        onRequest: signedIn.onRequest,
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['model', 'params'],
            properties: {
              model: { type: 'string', minLength: 1, maxLength: 64 },
              params: { type: 'string', minLength: 1, maxLength: 100 },
            },
          },
        },
      },
      async (request, reply) => {
        const caller = signedIn.caller(request);
        const { model, params } = request.query;
        if (!MODEL_NAME.test(model)) throw notFound();
        const allowed = await decide(ctx, { caller, action: 'heInfer', resource: { kind: 'server' } });
        const session = await refusing(() => he.openSession(caller.id, model, params, bodyBytes(request.body)));
        await ctx.db.transaction((tx) => allowed.audit(tx, `model:${model}`));
        return reply.status(201).send(session);
      },
    );

    scope.post<{ Params: { id: string }; Body: Buffer }>(
      '/he/sessions/:id/infer',
      { bodyLimit: MAX_INFER_BODY_BYTES, onRequest: signedIn.onRequest },
      async (request, reply) => {
        const caller = signedIn.caller(request);
        const { id } = request.params;
        const model = SESSION_ID.test(id) ? he.sessionModel(caller.id, id) : undefined;
        if (!model) throw notFound();
        const allowed = await decide(ctx, { caller, action: 'heInfer', resource: { kind: 'server' } });
        const { answer } = await refusing(() => he.infer(caller.id, id, bodyBytes(request.body)));
        await ctx.db.transaction((tx) => allowed.audit(tx, `model:${model}`));
        return reply.type(HE_MEDIA_TYPE).send(Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength));
      },
    );

    scope.delete<{ Params: { id: string } }>('/he/sessions/:id', async (request, reply) => {
      const caller = await signedInCaller(ctx, request);
      const { id } = request.params;
      if (!SESSION_ID.test(id) || !he.endSession(caller.id, id)) throw notFound();
      return reply.status(204).send();
    });
  });
}

function bodyBytes(body: unknown): Uint8Array {
  if (!Buffer.isBuffer(body)) throw new HttpError(415, 'unsupported-media-type', `send the bytes as ${HE_MEDIA_TYPE}`);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

/** The service's refusals as the contract's answers. */
async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HeFrameError) throw badRequest('bad-frame', err.message);
    if (err instanceof HeInputError) throw badRequest('bad-ciphertext', err.message);
    if (err instanceof HeUnknownModelError || err instanceof HeUnknownSessionError) throw notFound();
    if (err instanceof RangeError) throw new HttpError(413, 'too-large', err.message);
    throw err;
  }
}
