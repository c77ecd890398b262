/**
 * The admin socket (docs/server.md, "Admin socket"): a second Fastify instance on a
 * Unix socket, `DATA/admin.sock`, mode 0600, so only the host's users who may read the
 * data directory reach it; no account, no token. It answers `POST /invitations`,
 * `POST /accounts/disable` and `GET /audit/verify`, which `main.ts invite`,
 * `account-disable` and `audit-verify` use while the server runs (PGlite allows one
 * process, so they cannot open the database themselves).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { connect } from 'node:net';
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import type { Database } from '../db';
import {
  AdminError,
  auditVerification,
  disableAccount,
  makeInvitation,
  type DisableRequest,
  type InvitationRequest,
} from './operations';

export async function startAdminSocket(db: Database, socketPath: string): Promise<FastifyInstance> {
  const admin = Fastify({ logger: false, bodyLimit: 4096 });
  admin.setErrorHandler((err, _request, reply) => {
    const status = err instanceof AdminError ? 400 : ((err as { statusCode?: number }).statusCode ?? 500);
    const message = err instanceof AdminError || status < 500 ? (err as Error).message : 'the server failed';
    return reply.status(status).send({ error: status < 500 ? 'bad-request' : 'internal', message });
  });
  admin.post<{ Body: InvitationRequest }>(
    '/invitations',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name', 'role'],
          properties: {
            name: { type: 'string', maxLength: 32 },
            role: { type: 'string', maxLength: 16 },
            site: { type: 'string', maxLength: 64 },
          },
        },
      },
    },
    async (request) => makeInvitation(db, request.body),
  );
  admin.post<{ Body: DisableRequest }>(
    '/accounts/disable',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 32 } },
        },
      },
    },
    async (request) => disableAccount(db, request.body),
  );
  admin.get<{ Querystring: { at?: string } }>('/audit/verify', async (request) => {
    const at = Number(request.query.at);
    return auditVerification(db, Number.isSafeInteger(at) && at > 0 ? at : undefined);
  });

  if (existsSync(socketPath)) {
    if (await socketAnswers(socketPath)) throw new Error(`another server is using ${socketPath}`);
    unlinkSync(socketPath); // left by a server that crashed
  }
  // The socket is created with the umask's mode: make that 0600 from the start, not after a window.
  const umask = process.umask(0o177);
  try {
    await admin.listen({ path: socketPath });
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  return admin;
}

/** True when something listens on the socket file (a live server), false for a stale file. */
export function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
