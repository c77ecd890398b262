/**
 * `cipherscan share --server URL --account A [--key K] --id ID --with NAME
 * --purpose treatment|second-opinion|research [--until DATE]`: lets NAME read a
 * study this account owns. The content key is unwrapped from the owner's own
 * copy, wrapped for NAME's public key (from the server's directory), and a new
 * record version (readers + NAME) is signed and sent with it. Prints
 * `{"id", "version", "with", "purpose", "until"}`.
 */
import { type ParsedArgs, requireOption, type CommandOptions, options } from '../args';
import { accountNamed, currentStudy } from '../studyRecord';
import { explained, purposeFrom, signIn, untilFrom, SIGN_IN_OPTIONS } from '../serverSession';
import { wipeKey } from '../../../lib/keys/key';
import { reshareRecord, wrapContentKey } from '../../../lib/sharing';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(SIGN_IN_OPTIONS, { values: ['id', 'with', 'purpose', 'until'] });

export async function run(args: ParsedArgs): Promise<void> {
  const study = requireOption(args, 'id');
  const readerName = requireOption(args, 'with');
  const purpose = purposeFrom(args);
  const until = untilFrom(args);
  const { client, me } = await signIn(args);
  // The reader's wrap key comes from the server's directory: sharing trusts the server to name the right key.
  const reader = await accountNamed(client, readerName);
  const current = await currentStudy(client, me, study);
  let wrappedKey: string;
  try {
    wrappedKey = await wrapContentKey(current.contentKey.master, reader.wrapJwk, { study, owner: me.account.id });
  } finally {
    wipeKey(current.contentKey);
  }
  const { record } = await reshareRecord({
    header: current.header,
    readers: [...current.readers.values(), reader.id],
    signKey: me.signKey,
  });
  const { version } = await explained(
    client.share(study, reader.name, { record, wrappedKey, purpose, ...(until ? { until } : {}) }),
  );
  console.log(JSON.stringify({ id: study, version, with: reader.name, purpose, until: until ?? null }));
}
