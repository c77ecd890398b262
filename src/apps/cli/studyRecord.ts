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
import type { ServerClient } from '../../lib/serverClient';
import { explained } from './serverSession';

export interface CurrentStudy extends OpenedDownload {
  /** reader names → account ids, as the server lists them (owner not included) */
  readers: Map<string, string>;
}

export async function currentStudy(client: ServerClient, me: OpenedAccount, study: string): Promise<CurrentStudy> {
  const bundle = await explained(client.retrieve(study));
  const grants = await explained(client.readers(study));
  const readers = new Map<string, string>();
  for (const grant of grants) readers.set(grant.name, (await explained(client.account(grant.name))).id);
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
