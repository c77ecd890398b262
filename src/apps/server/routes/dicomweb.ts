/**
 * DICOMweb over ciphertext (docs/server.md, "HTTP API"): STOW-RS stores bundles,
 * QIDO-RS lists the non-identifying index as DICOM JSON, WADO-RS hands back a bundle
 * with the caller's own wrapped key.
 *
 * STOW, per part: the bundle is decoded and its record verified with the uploader's
 * own registered key (owner = caller, version 1, package hash and size as signed:
 * `acceptUpload`), the package is written to the blob store (durable) BEFORE the
 * transaction that inserts the study, the owner's wrapped key and the audit entry; so
 * a row never names a missing blob (a blob without a row is never listed). A part that
 * fails is reported and changes nothing.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BUNDLE_MEDIA_TYPE, encodeBundle } from '../../../lib/sharing/bundle';
import { acceptUpload } from '../../../lib/sharing/serverChecks';
import { errorAnswer, HttpError, notFound } from '../http/errors';
import { registerMultipartRelatedParser, type MultipartRelatedBody } from '../http/multipartRelated';
import {
  getStudy,
  getStudyForReader,
  insertStudy,
  listMyStudies,
  listSharedWithMe,
  StoreError,
  type Account,
} from '../store';
import { decide, signedInBeforeBody, signedInCaller, type Allowed, type RouteContext } from './context';
import { studyItem } from './dicomJson';
import { studyUidParam } from './schemas';

/** Room for the multipart framing, the record and the wrapped key around a package of the full upload limit. */
const ENVELOPE_BYTES = 64 * 1024;

interface StowFailure {
  part: number;
  error: string;
  message: string;
  status: number;
}

export function registerDicomwebRoutes(api: FastifyInstance, ctx: RouteContext): void {
  const { maxUploadBytes, maxUploadParts } = ctx.config;

  // The parser lives in this plugin's scope only: no other route accepts multipart bodies.
  api.register(async (stow) => {
    registerMultipartRelatedParser(stow, { maxParts: maxUploadParts });
    // Signed in is checked on the request line, before up to 64 MiB of body is read.
    const signedIn = signedInBeforeBody(ctx);
    stow.post(
      '/dicomweb/studies',
      { bodyLimit: maxUploadBytes + ENVELOPE_BYTES, onRequest: signedIn.onRequest },
      async (request, reply) => {
        const caller = signedIn.caller(request);
        const body = request.body as MultipartRelatedBody;
        if (body?.type !== BUNDLE_MEDIA_TYPE)
          throw new HttpError(
            415,
            'unsupported-media-type',
            `the upload must be multipart/related of ${BUNDLE_MEDIA_TYPE}`,
          );
        const allowed = await decide(ctx, { caller, action: 'upload', resource: { kind: 'server' } });
        const stored: { id: string; version: number }[] = [];
        const failed: StowFailure[] = [];
        for (const [index, part] of body.parts.entries()) {
          try {
            if (part.contentType.split(';')[0].trim().toLowerCase() !== BUNDLE_MEDIA_TYPE)
              throw new HttpError(415, 'unsupported-media-type', `part ${index} is not a ${BUNDLE_MEDIA_TYPE}`);
            stored.push(await storeBundle(ctx, caller, part.body, allowed.audit));
          } catch (err) {
            const { statusCode, body: answer } = errorAnswer(err);
            // the error handler's 500 says "nothing was changed": true only while no part is stored yet
            if (statusCode >= 500 && stored.length === 0) throw err;
            if (statusCode >= 500) return partialFailure(request, reply, err, index, stored, failed);
            failed.push({ part: index, ...answer, status: statusCode });
          }
        }
        return stowAnswer(reply, stored, failed);
      },
    );
  });

  api.get<{ Querystring: { scope?: 'mine' | 'shared' } }>(
    '/dicomweb/studies',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { scope: { type: 'string', enum: ['mine', 'shared'] } },
        },
      },
    },
    async (request, reply) => {
      const caller = await signedInCaller(ctx, request);
      const allowed = await decide(ctx, { caller, action: 'list', resource: { kind: 'server' } });
      await ctx.db.transaction((tx) => allowed.audit(tx));
      const items =
        request.query.scope === 'shared'
          ? (await listSharedWithMe(ctx.db, caller.id, new Date())).map((s) => studyItem(s, s.grant))
          : (await listMyStudies(ctx.db, caller.id)).map((s) => studyItem(s, null));
      return reply.type('application/dicom+json').send(JSON.stringify(items));
    },
  );

  api.get<{ Params: { uid: string } }>('/dicomweb/studies/:uid', async (request, reply) => {
    const caller = await signedInCaller(ctx, request);
    const uid = studyUidParam(request.params.uid);
    const study = await getStudy(ctx.db, uid);
    if (!study) throw notFound();
    const mine = await getStudyForReader(ctx.db, uid, caller.id);
    const allowed = await decide(ctx, {
      caller,
      action: 'read',
      resource: { kind: 'study', uid, ownerId: study.ownerId, consent: study.consent },
      // WADO states no purpose: a reader reads for the purpose they were granted.
      purpose: mine?.grant?.purpose,
      grant: mine?.grant ?? null,
      // Someone who holds no key may not learn that the study exists.
      denyAs: mine ? 'forbidden' : 'not-found',
    });
    if (!mine) throw notFound();
    const pkg = await ctx.blobs.get(study.packageSha256);
    if (!pkg) throw new Error('a study row names a missing blob');
    await ctx.db.transaction((tx) => allowed.audit(tx));
    const bundle = encodeBundle(
      { record: study.recordJws, wrappedKey: mine.wrappedKey, pkg },
      { maxPackageBytes: Math.max(maxUploadBytes, pkg.length) },
    );
    return reply.type(BUNDLE_MEDIA_TYPE).send(Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength));
  });
}

/** One part: verified, blob durable, then study + owner key + audit entry in one transaction. */
async function storeBundle(
  ctx: RouteContext,
  caller: Account,
  bytes: Uint8Array,
  audit: Allowed['audit'],
): Promise<{ id: string; version: number }> {
  const upload = await acceptUpload(
    bytes,
    { id: caller.id, signJwk: caller.signJwk },
    { maxPackageBytes: ctx.config.maxUploadBytes },
  );
  const { header } = upload;
  if (await getStudy(ctx.db, header.study))
    throw new HttpError(409, 'conflict', 'a study with this UID exists already');
  // acceptUpload hashed the package and checked it against the signed header: no second hash.
  await ctx.blobs.put(upload.pkg, header.packageSha256);
  try {
    const study = await ctx.db.transaction(async (tx) => {
      const inserted = await insertStudy(tx, {
        uid: header.study,
        ownerId: caller.id,
        modality: header.modality,
        frames: header.frames,
        packageBytes: header.packageBytes,
        packageSha256: header.packageSha256,
        recordJws: upload.record,
        ownerWrappedKey: upload.wrappedKey,
      });
      await audit(tx, `study:${header.study}`);
      return inserted;
    });
    return { id: study.uid, version: study.version };
  } catch (err) {
    if (err instanceof StoreError && err.code === 'conflict')
      throw new HttpError(409, 'conflict', 'a study with this UID exists already');
    throw err;
  }
}

/** 200 when every part was stored, 202 when some were, the first refusal's status when none was. */
/**
 * The server failed on part `index` after earlier parts were committed: a 500 that says which are
 * stored (kept: each is whole and audited) and that this part and the ones after it are not, so
 * the client retries only those. Logged as the error handler logs a 500 (its name only).
 */
function partialFailure(
  request: FastifyRequest,
  reply: FastifyReply,
  err: unknown,
  index: number,
  stored: { id: string; version: number }[],
  failed: StowFailure[],
) {
  request.log.error({ name: (err as Error)?.name }, 'request failed');
  return reply.status(500).send({
    error: 'internal',
    message:
      `the server failed on part ${index}: the ${stored.length} part(s) listed in "stored" are kept; ` +
      `part ${index} and the parts after it were not stored`,
    stored,
    failed: failed.map(({ part, error, message }) => ({ part, error, message })),
  });
}

function stowAnswer(reply: FastifyReply, stored: { id: string; version: number }[], failed: StowFailure[]) {
  const failures = failed.map(({ part, error, message }) => ({ part, error, message }));
  if (failed.length === 0) return reply.status(200).send({ stored, failed: failures });
  if (stored.length > 0) return reply.status(202).send({ stored, failed: failures });
  const first = failed[0];
  return reply.status(first.status).send({ error: first.error, message: first.message, stored, failed: failures });
}
