/**
 * `cipherscan he share --server URL --account A.json --he he.json --to NAME --network NET --out FILE`
 * `cipherscan he receive --server URL --account A.json --in FILE --from NAME --network NET --out he.json`
 * (issue 17, DESIGN.md §9): the hospitals' shared CKKS secret key, made by one
 * hospital (`he keygen`), handed to each other hospital sealed to its account's
 * ECDH key and signed by the sender's account (lib/sharing/sealedSecret.ts).
 * Public keys come from the server's directory (trusting it to name the right
 * key, as sharing does); the token travels as a file the operator sends — the
 * server relay is not built. The received key file is written 0600 and never
 * overwrites one.
 *
 * Must never: print the secret key or write it anywhere but --out.
 */
import { existsSync } from 'node:fs';
import { open, readFile, writeFile } from 'node:fs/promises';
import { options, requireOption, UsageError, type ParsedArgs } from '../args';
import { signIn, SIGN_IN_OPTIONS } from '../serverSession';
import { accountNamed } from '../studyRecord';
import { openSealedSecret, sealSecret } from '../../../lib/sharing/sealedSecret';
import { parseCkksKeyFile } from './ckksKeyFile';

const PURPOSE = 'ckks-secret-key';

export async function shareKey(args: ParsedArgs): Promise<void> {
  const out = requireOption(args, 'out');
  const network = requireOption(args, 'network');
  const keyText = await readFile(requireOption(args, 'he'), 'utf8');
  parseCkksKeyFile(keyText); // refuse to send anything that is not a CKKS key file
  const { client, me } = await signIn(args);
  const to = await accountNamed(client, requireOption(args, 'to'));
  const token = await sealSecret(new TextEncoder().encode(keyText), to.wrapJwk, me.signKey, {
    purpose: PURPOSE,
    network,
    sender: me.account.name,
    recipient: to.name,
  });
  await writeFile(out, token + '\n');
  console.log(JSON.stringify({ written: out, to: to.name, network, bytes: token.length }));
}

export async function receiveKey(args: ParsedArgs): Promise<void> {
  const out = requireOption(args, 'out');
  if (existsSync(out)) throw new UsageError(`${out} exists already: choose another --out (nothing was changed)`);
  const network = requireOption(args, 'network');
  const token = await readFile(requireOption(args, 'in'), 'utf8');
  const { client, me } = await signIn(args);
  const from = await accountNamed(client, requireOption(args, 'from'));
  const secret = await openSealedSecret(token, me.wrapKey, from.signJwk, {
    purpose: PURPOSE,
    network,
    sender: from.name,
    recipient: me.account.name,
  });
  const text = new TextDecoder().decode(secret);
  const file = parseCkksKeyFile(text);
  const handle = await open(out, 'wx', 0o600);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
    secret.fill(0);
  }
  console.log(JSON.stringify({ written: out, from: from.name, network, params: file.params, mode: '0600' }));
}

/** `he share` / `he receive` options. */
export const SHARE_KEY_OPTIONS = options(SIGN_IN_OPTIONS, { values: ['out', 'network', 'he', 'to'] });
export const RECEIVE_KEY_OPTIONS = options(SIGN_IN_OPTIONS, { values: ['out', 'network', 'in', 'from'] });
