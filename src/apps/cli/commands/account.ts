/**
 * `cipherscan account disable --data DIR --name N`: the operator off-boards a person
 * (src/apps/server/main.ts account-disable: through the running server's admin socket,
 * or the database directly when no server runs). The account keeps its row and loses
 * every right at once; its sessions get 403 from their next request.
 *
 * `cipherscan account create --server URL --invite CODE --out FILE [--key K]`:
 * makes the account's two key pairs on this machine (ES256 signing, P-256 ECDH
 * wrapping), redeems the invitation with their public halves, and writes the
 * account file (mode 0600) with the private halves — sealed under a sub-key of
 * the user's key file when `--key` is given (serverSession.ts). Refuses to
 * overwrite an existing file: it may hold the only copy of another account's keys.
 */
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type ParsedArgs, UsageError, requireOption, type CommandOptions } from '../args';
import { exitWith, passOptions, runServerEntry } from '../serverProcess';
import { accountSealingKey, optionalUserKey, serverUrl } from '../serverSession';
import { exportAccountFile, generateAccountKeys } from '../../../lib/sharing';
import { ServerError, createServerClient } from '../../../lib/serverClient';

/** Creates `path` with mode 0600 and writes `text`; EEXIST says the file is there already. */
async function writeNewPrivateFile(path: string, text: string): Promise<void> {
  let file;
  try {
    file = await open(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} exists already: choose another --out (nothing was changed)`);
    throw new UsageError(`cannot create ${path} (${code ?? 'error'})`);
  }
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  subcommands: {
    create: { values: ['server', 'invite', 'out', 'key', 'passphrase'], flags: [] },
    disable: { values: ['data', 'name'], flags: [] },
  },
};

export async function run(args: ParsedArgs): Promise<void> {
  const [action, ...rest] = args.positionals;
  if (action === 'disable' && rest.length === 0)
    return exitWith(await runServerEntry('account-disable', passOptions(args, ['data', 'name'], [])));
  if (action !== 'create' || rest.length > 0)
    throw new UsageError(
      'usage: account create --server URL --invite CODE --out FILE [--key K] | account disable --data DIR --name N',
    );
  const server = serverUrl(args);
  const code = requireOption(args, 'invite');
  const out = requireOption(args, 'out');
  if (existsSync(out)) throw new UsageError(`${out} exists already: choose another --out (nothing was changed)`);
  const userKey = await optionalUserKey(args); // before redeeming: a wrong key file must not use up the invitation
  const keys = await generateAccountKeys({ extractable: true });
  const client = createServerClient({ baseUrl: server });
  let account;
  try {
    ({ account } = await client.redeemInvitation({ code, signJwk: keys.signJwk, wrapJwk: keys.wrapJwk }));
  } catch (err) {
    // The server words every refused code alike (401), so as not to say which codes exist.
    if (err instanceof ServerError && [400, 401, 404, 410].includes(err.status))
      throw new Error(
        'the invitation was not accepted: the code is wrong, used already or expired (ask for a new one)',
        {
          cause: err,
        },
      );
    throw err;
  }
  const sealingKey = userKey ? await accountSealingKey(userKey) : undefined;
  try {
    const text = await exportAccountFile({ server: client.baseUrl, account, keys, sealingKey });
    await writeNewPrivateFile(out, text);
  } finally {
    sealingKey?.fill(0);
  }
  console.log(
    JSON.stringify({ account: account.name, id: account.id, role: account.role, written: out, sealed: !!userKey }),
  );
}
