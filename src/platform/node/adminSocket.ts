/**
 * The client side of the server's admin socket (src/apps/server/admin): one HTTP
 * request over `DATA/admin.sock`, made by the server entry's commands (`invite`,
 * `audit-verify`) and by `federated simulate --transport http` for its accounts.
 * `null` means no server answers there (no socket file, or a stale one), and the
 * caller opens the database itself instead.
 */
import { request } from 'node:http';
import { existsSync } from 'node:fs';

export interface AdminAnswer {
  status: number;
  body: unknown;
}

export function callAdminSocket(
  socketPath: string,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
): Promise<AdminAnswer | null> {
  if (!existsSync(socketPath)) return Promise.resolve(null);
  const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (err) {
            reject(err);
          }
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNREFUSED' || err.code === 'ENOENT' ? resolve(null) : reject(err),
    );
    req.end(payload);
  });
}
