/**
 * `cipherscan revoke --server URL --account A [--key K] --id ID --with NAME`:
 * takes NAME off a study this account owns. A new record version without NAME
 * is signed and sent; the server deletes NAME's wrapped key and grant. What NAME
 * downloaded before stays with NAME: revoking stops future access, it cannot
 * recall a copy. Prints `{"id", "version", "revoked"}`.
 */
import { type ParsedArgs, UsageError, requireOption, type CommandOptions, options } from '../args';
import { currentStudy } from '../studyRecord';
import { explained, signIn, SIGN_IN_OPTIONS } from '../serverSession';
import { wipeKey } from '../../../lib/keys/key';
import { reshareRecord } from '../../../lib/sharing';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(SIGN_IN_OPTIONS, { values: ['id', 'with'] });

export async function run(args: ParsedArgs): Promise<void> {
  const study = requireOption(args, 'id');
  const readerName = requireOption(args, 'with');
  const { client, me } = await signIn(args);
  const current = await currentStudy(client, me, study);
  wipeKey(current.contentKey); // revoking re-signs the record; the content key is not needed
  if (!current.readers.has(readerName)) throw new UsageError(`${readerName} is not a reader of this scan`);
  const readers = [...current.readers].filter(([name]) => name !== readerName).map(([, id]) => id);
  const { record } = await reshareRecord({ header: current.header, readers, signKey: me.signKey });
  const { version } = await explained(client.revoke(study, readerName, { record }));
  console.log(JSON.stringify({ id: study, version, revoked: readerName }));
}
