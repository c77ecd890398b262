/**
 * Federated rounds over HTTP (docs/server.md "Federated rounds"): hospitals, each a
 * seat of a network, send CKKS-encrypted vectors per round; the server sums them
 * with SEAL additions and hands the sum back. It never holds a key that decrypts.
 *
 * Cedar decides every call: `federatedCoordinate` (Server) to create a network and
 * deposit sealed seat keys, `federatedTakePart` (Server) for everything a seat does.
 * Seat holding is checked here, after the decision (a caller who holds no seat gets
 * 404, one who holds another seat 403). Allows are audited with resource
 * `network:<id>` once the work is done; never a body. A long poll that answers
 * "still open" audits nothing (it is a wait, not an access).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { HE_MEDIA_TYPE, encodeHeFrame } from '../../../lib/serverClient/he';
import { FEDERATED_LIMITS, type FederatedNetworkRequest } from '../../../lib/serverClient/federated';
import {
  createFederatedService,
  FederatedError,
  MAX_CONTRIBUTION_BYTES,
  MAX_SEALED_KEY_CHARS,
  NETWORK_ID,
  type FederatedService,
} from '../federated/service';
import { HttpError, notFound } from '../http/errors';
import { getAccountById, type Account } from '../store';
import { decide, signedInBeforeBody, signedInCaller, type RouteContext } from './context';

const networkBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'seats', 'quorum', 'roundSeconds', 'vectorLength', 'maxRounds', 'params'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: FEDERATED_LIMITS.nameLength },
    seats: {
      type: 'array',
      minItems: 2,
      maxItems: FEDERATED_LIMITS.maxSeats,
      items: { type: 'string', minLength: 1, maxLength: 100 },
    },
    quorum: { type: 'integer', minimum: 2 },
    roundSeconds: { type: 'integer', minimum: 1, maximum: FEDERATED_LIMITS.maxRoundSeconds },
    vectorLength: { type: 'integer', minimum: 1, maximum: FEDERATED_LIMITS.maxVectorLength },
    maxRounds: { type: 'integer', minimum: 1, maximum: FEDERATED_LIMITS.maxRounds },
    params: { type: 'string', minLength: 1, maxLength: 100 },
  },
} as const;

/** path numbers arrive as text: decimal, no sign, at most 7 digits */
const intParam = { type: 'string', pattern: '^(0|[1-9][0-9]{0,6})$' } as const;
const idParams = (extra: Record<string, typeof intParam>) => ({
  type: 'object',
  required: ['id', ...Object.keys(extra)],
  properties: { id: { type: 'string', pattern: NETWORK_ID.source }, ...extra },
});

/** The service a server instance uses; tests may pass their own (an injected clock, small limits). */
export function registerFederatedRoutes(
  api: FastifyInstance,
  ctx: RouteContext,
  fed: FederatedService = createFederatedService(),
): void {
  api.addHook('onClose', async () => fed.close());
  /** a seat holder's request: `caller` when the route checked it on the request line already */
  const takePart = async (request: Parameters<typeof signedInCaller>[1], id: string, signedInAs?: Account) => {
    const caller = signedInAs ?? (await signedInCaller(ctx, request));
    if (!fed.isMember(caller.id, id)) throw notFound();
    const allowed = await decide(ctx, { caller, action: 'federatedTakePart', resource: { kind: 'server' } });
    const audit = () => ctx.db.transaction((tx) => allowed.audit(tx, `network:${id}`));
    return { caller, audit };
  };

  void api.register(async (scope) => {
    scope.addContentTypeParser(HE_MEDIA_TYPE, { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // Sealed keys (2 MiB) and contributions (up to 122 MiB): signed in is checked before the body is read.
    const signedIn = signedInBeforeBody(ctx);

    scope.post<{ Body: FederatedNetworkRequest }>(
      '/federated/networks',
      { schema: { body: networkBody } },
      async (request, reply) => {
        const caller = await signedInCaller(ctx, request);
        const allowed = await decide(ctx, { caller, action: 'federatedCoordinate', resource: { kind: 'server' } });
        for (const seat of new Set(request.body.seats))
          if (!(await getAccountById(ctx.db, seat)))
            throw new HttpError(400, 'bad-network', 'every seat must name an account of this server');
        const network = refusing(() => fed.create(caller.id, request.body));
        await ctx.db.transaction((tx) => allowed.audit(tx, `network:${network.id}`));
        return reply.status(201).send(network);
      },
    );

    scope.get<{ Params: { id: string } }>(
      '/federated/networks/:id',
      { schema: { params: idParams({}) } },
      async (request, reply) => {
        const { caller, audit } = await takePart(request, request.params.id);
        const status = fed.status(caller.id, request.params.id);
        if (!status) throw notFound();
        await audit();
        return reply.send(status);
      },
    );

    scope.put<{ Params: { id: string; seat: string }; Body: string }>(
      '/federated/networks/:id/keys/:seat',
      {
        bodyLimit: MAX_SEALED_KEY_CHARS + 1024,
        onRequest: signedIn.onRequest,
        schema: { params: idParams({ seat: intParam }) },
      },
      async (request, reply) => {
        const { id } = request.params;
        const seat = Number(request.params.seat);
        const caller = signedIn.caller(request);
        if (!fed.isMember(caller.id, id)) throw notFound();
        const allowed = await decide(ctx, { caller, action: 'federatedCoordinate', resource: { kind: 'server' } });
        if (typeof request.body !== 'string')
          throw new HttpError(415, 'unsupported-media-type', 'send the sealed key as text/plain');
        refusing(() => fed.putKey(caller.id, id, seat, request.body.trim()));
        await ctx.db.transaction((tx) => allowed.audit(tx, `network:${id}`));
        return reply.status(204).send();
      },
    );

    scope.get<{ Params: { id: string; seat: string } }>(
      '/federated/networks/:id/keys/:seat',
      { schema: { params: idParams({ seat: intParam }) } },
      async (request, reply) => {
        const { id } = request.params;
        const seat = Number(request.params.seat);
        const { caller, audit } = await takePart(request, id);
        const sealed = refusing(() => fed.getKey(caller.id, id, seat));
        await audit();
        return reply.type('text/plain; charset=utf-8').send(sealed);
      },
    );

    scope.post<{ Params: { id: string; round: string; seat: string }; Body: Buffer }>(
      '/federated/networks/:id/rounds/:round/seats/:seat',
      {
        bodyLimit: MAX_CONTRIBUTION_BYTES,
        onRequest: signedIn.onRequest,
        schema: { params: idParams({ round: intParam, seat: intParam }) },
      },
      async (request, reply) => {
        const { id } = request.params;
        const [round, seat] = [Number(request.params.round), Number(request.params.seat)];
        const { caller, audit } = await takePart(request, id, signedIn.caller(request));
        const body = request.body;
        if (!Buffer.isBuffer(body))
          throw new HttpError(415, 'unsupported-media-type', `send the ciphertexts as ${HE_MEDIA_TYPE}`);
        const bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
        const contributors = await refusingAsync(() => fed.contribute(caller.id, id, round, seat, bytes));
        await audit();
        return reply.status(202).send({ round, contributors });
      },
    );

    scope.get<{ Params: { id: string; round: string }; Querystring: { waitMs?: string } }>(
      '/federated/networks/:id/rounds/:round/sum',
      {
        schema: {
          params: idParams({ round: intParam }),
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { waitMs: { type: 'string', pattern: '^[0-9]{1,5}$' } },
          },
        },
      },
      async (request, reply: FastifyReply) => {
        const { id } = request.params;
        const round = Number(request.params.round);
        const { caller, audit } = await takePart(request, id);
        const answer = await refusingAsync(() =>
          fed.awaitSum(caller.id, id, round, Math.min(Number(request.query.waitMs ?? 0), FEDERATED_LIMITS.maxWaitMs)),
        );
        if (answer.state === 'open') return reply.status(202).send(answer);
        if (answer.state === 'skipped') return reply.status(410).send(answer);
        if (answer.state === 'gone')
          return reply.status(410).send({ ...answer, message: 'this round’s sum is no longer kept' });
        const frame = encodeHeFrame({ images: 1, ciphertexts: answer.ciphertexts });
        await audit();
        return reply
          .type(HE_MEDIA_TYPE)
          .header('x-contributors', String(answer.contributors))
          .header('x-vector-length', String(answer.length))
          .send(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      },
    );
  });
}

const asHttp = (err: unknown) =>
  err instanceof FederatedError ? new HttpError(err.status, err.code, err.message) : err;

function refusing<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    throw asHttp(err);
  }
}

async function refusingAsync<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw asHttp(err);
  }
}
