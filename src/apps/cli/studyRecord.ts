/**
 * The owner's side of changing who may read a study (`share`, `revoke`): fetch
 * the study's own bundle and check it completely against the account's OWN
 * signing key (from the account file, not from the server), so the next record
 * is built on a version this account really signed, with the reader list the
 * server says is current — checked against the signed reader hash, so a server
 * cannot slip a reader in or out unnoticed.
 */
import type { OpenedAccount } from '../../lib/sharing';
import { openDownloadedBundle, type OpenedDownload } from '../../lib/sharing';
import { ServerError, type PublicAccount, type ServerClient } from '../../lib/serverClient';
import { explained } from './serverSession';

export interface CurrentStudy extends OpenedDownload {
  /** reader names → account ids, as the server lists them (owner not included) */
  readers: Map<string, string>;
}

/** Another account by name; a 404 here means no such account, not "not shared". */
export async function accountNamed(client: ServerClient, name: string): Promise<PublicAccount> {
  try {
    return await client.account(name);
  } catch (err) {
    if (err instanceof ServerError && err.status === 404)
      throw new Error(`there is no account named "${name}" on this server`, { cause: err });
    throw err;
  }
}

export async function currentStudy(client: ServerClient, me: OpenedAccount, study: string): Promise<CurrentStudy> {
  const bundle = await explained(client.retrieve(study));
  const grants = await explained(
    client.readers(study).catch((err: unknown) => {
      if (err instanceof ServerError && err.status === 403)
        throw new Error('only the owner of this scan can change who may read it', { cause: err });
      throw err;
    }),
  );
  const readers = new Map<string, string>();
  for (const grant of grants) readers.set(grant.name, (await accountNamed(client, grant.name)).id);
  const opened = await explained(
    openDownloadedBundle(bundle, {
      me: { id: me.account.id, wrapKey: me.wrapKey },
      ownerSignJwk: me.signJwk,
      expectOwner: me.account.id,
      expectStudy: study,
      readers: [...readers.values()],
    }),
  );
  return { ...opened, readers };
}
