/**
 * `cipherscan download --server URL --account A [--key K] --id ID --out FILE.png
 * [--frame N]`: fetches a study shared with this account (or owned by it),
 * checks the bundle completely (owner's signature, study, package hash, the
 * binding of this account's wrapped key), unwraps the content key, opens the
 * package as `unpack` does and writes the frame shown on opening (or frame N)
 * as PNG, mode 0600.
 *
 * Trust: the owner's signing key comes from the server's directory
 * (`GET /api/accounts/:name`). A server that lies about the owner's key could
 * pass off a record it signed itself — it still cannot read the scan, but the
 * signature check then proves less. Comparing key fingerprints out of band
 * would close this; it is not done yet.
 */
import { type ParsedArgs, UsageError, optionalString, requireOption, type CommandOptions, options } from '../args';
import { writePng } from '../io';
import { NOT_SHARED, explained, signIn, SIGN_IN_OPTIONS } from '../serverSession';
import { FrameNotInPackageError, unpackImage } from '../../../lib/cipher/package';
import { wipeKey } from '../../../lib/keys/key';
import { openDownloadedBundle } from '../../../lib/sharing';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(SIGN_IN_OPTIONS, { values: ['id', 'out', 'frame'] });

export async function run(args: ParsedArgs): Promise<void> {
  const study = requireOption(args, 'id');
  const out = requireOption(args, 'out');
  if (!/\.png$/i.test(out)) throw new UsageError('download writes the image as PNG: --out must end in .png');
  const frameArg = optionalString(args, 'frame');
  if (frameArg !== undefined && !/^\d+$/.test(frameArg))
    throw new UsageError(`--frame must be a frame number of the file (0, 1, …), not "${frameArg}"`);
  const { client, me } = await signIn(args);
  // Who owns it: the study lists name the owner; their public signing key comes from the directory.
  const listed = [...(await explained(client.search('shared'))), ...(await explained(client.search('mine')))];
  const summary = listed.find((s) => s.uid === study);
  if (!summary) throw new Error(NOT_SHARED);
  const owner = await explained(client.account(summary.ownerName));
  const bundle = await explained(client.retrieve(study));
  const opened = await explained(
    openDownloadedBundle(bundle, {
      me: { id: me.account.id, wrapKey: me.wrapKey },
      ownerSignJwk: owner.signJwk,
      expectOwner: owner.id,
      expectStudy: study,
    }),
  );
  let image;
  try {
    image = await unpackImage(opened.pkg, opened.contentKey, frameArg === undefined ? {} : { frame: Number(frameArg) });
  } catch (err) {
    if (err instanceof FrameNotInPackageError) throw new UsageError(err.message);
    throw err;
  } finally {
    wipeKey(opened.contentKey);
  }
  // Everything is verified and decrypted before the first byte is written.
  await writePng(out, image.image);
  console.log(
    JSON.stringify({
      written: out,
      id: study,
      owner: summary.ownerName,
      version: opened.header.version,
      frame: image.metadata.source.frame,
      width: image.image.width,
      height: image.image.height,
      verified: true,
    }),
  );
}
