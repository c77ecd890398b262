/**
 * `cipherscan consent --server URL --account A [--key K] --id ID --withdraw|--give`:
 * records the patient's consent for a study this account owns. Withdrawn, nobody but
 * the owner reads the study and nobody shares it again, whatever grants exist (the
 * server's Cedar rule `consent-withdrawn`); given again, grants in force apply again.
 * Prints `{"id", "consent"}`.
 */
import { type ParsedArgs, UsageError, flag, requireOption, type CommandOptions, options } from '../args';
import { explained, signIn, SIGN_IN_OPTIONS } from '../serverSession';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(SIGN_IN_OPTIONS, { values: ['id'], flags: ['withdraw', 'give'] });

export async function run(args: ParsedArgs): Promise<void> {
  const study = requireOption(args, 'id');
  const withdraw = flag(args, 'withdraw');
  const give = flag(args, 'give');
  if (withdraw === give) throw new UsageError('say --withdraw or --give');
  const { client } = await signIn(args);
  const { consent } = await explained(client.setConsent(study, withdraw ? 'withdrawn' : 'given'));
  console.log(JSON.stringify({ id: study, consent }));
}
