/**
 * `cipherscan upload --server URL --account A [--key K] --in FILE`: signs in,
 * packs FILE under a fresh content key (a DICOM, PNG or JPEG as `pack` packs it,
 * every frame; a `.csp` package is opened with --key and its frames re-packed),
 * signs the version-1 record, wraps the content key for the account itself, and
 * uploads the bundle (STOW-RS). Prints `{"id": uid, "version": 1}`.
 *
 * What leaves the machine: the AES-GCM package, the signed record (UID, modality,
 * frame count, sizes, hashes), the owner's wrapped key. No name, no pixel.
 */
import { basename } from 'node:path';
import { type ParsedArgs, UsageError, requireOption, type CommandOptions, options } from '../args';
import { decodeOptionsFrom, readInput, DECODE_OPTIONS } from '../io';
import { explained, openAccount, optionalUserKey, serverUrl, SIGN_IN_OPTIONS } from '../serverSession';
import { decodeImageFile, type DecodedImage } from '../../../lib/decode';
import { packFile, packFramesDetailed, unpackImage, type UnpackedPackage } from '../../../lib/cipher/package';
import { GCM_MAGIC } from '../../../lib/cipher/package/format';
import type { CipherKey } from '../../../lib/keys/key';
import { sealForUpload } from '../../../lib/sharing';
import { createServerClient } from '../../../lib/serverClient';

/** The record takes a DICOM modality code; anything else (absent, free text) is sent as OT, "other". */
function modalityCode(value: string | undefined): string {
  const code = value?.trim().toUpperCase();
  return code && /^[A-Z0-9_]{1,16}$/.test(code) ? code : 'OT';
}

export interface Packer {
  modality: string;
  frames: number;
  pack: (contentKey: CipherKey) => Promise<Uint8Array>;
}

/** An image or DICOM file: packed by `packFile`, exactly as `cipherscan pack` does (all frames). */
export async function fileSource(bytes: Uint8Array, name: string, args: ParsedArgs): Promise<Packer> {
  const options = decodeOptionsFrom(args);
  // the record needs modality and frame count before the content key exists; one decode of the chosen frame says both
  const summary = await decodeImageFile(bytes, name, options);
  return {
    modality: modalityCode(summary.dicom?.modality),
    frames: summary.frames,
    pack: async (contentKey) => (await packFile(bytes, name, options, contentKey, 'all-frames')).pkg,
  };
}

/** The frame as the package holds it, in the shape packing takes (what decoding the original gave). */
function asDecoded(opened: UnpackedPackage): DecodedImage {
  const { source, window } = opened.metadata;
  const raw = opened.raw;
  return {
    format: source.format,
    image: opened.image,
    frames: source.frames,
    frame: source.frame,
    raw,
    dicom:
      source.format === 'dicom'
        ? {
            transferSyntaxUid: '',
            transferSyntaxName: source.transferSyntax ?? '',
            modality: source.modality,
            rows: raw.height,
            columns: raw.width,
            bitsAllocated: source.bitsAllocated ?? raw.bitsAllocated,
            bitsStored: source.bitsStored ?? raw.bitsAllocated,
            pixelRepresentation: raw.signed ? 1 : 0,
            photometricInterpretation: source.photometric ?? '',
            samplesPerPixel: raw.samplesPerPixel,
            identifyingAttributes: [],
            window,
          }
        : undefined,
  };
}

/**
 * A `.csp` package: opened with the user's key (authenticated first, as `unpack`
 * does), then every frame it holds re-packed under the content key. The samples
 * are re-encoded losslessly and checked against their SHA-256 on every opening.
 */
export async function packageSource(pkg: Uint8Array, args: ParsedArgs): Promise<Packer> {
  const userKey = await optionalUserKey(args);
  if (!userKey) throw new UsageError('a .csp package is opened with its key before upload: give --key K');
  const first = await unpackImage(pkg, userKey);
  const frames = first.frameNumbers.length;
  return {
    modality: modalityCode(first.metadata.source.modality),
    frames,
    pack: async (contentKey) =>
      (
        await packFramesDetailed(
          {
            count: frames,
            shown: first.shown,
            frame: async (k) =>
              asDecoded(k === first.position ? first : await unpackImage(pkg, userKey, { position: k })),
          },
          contentKey,
        )
      ).pkg,
  };
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(SIGN_IN_OPTIONS, DECODE_OPTIONS, { values: ['in'] });

export async function run(args: ParsedArgs): Promise<void> {
  const inPath = requireOption(args, 'in');
  const bytes = await readInput(inPath);
  const isPackage = new TextDecoder().decode(bytes.subarray(0, 4)) === GCM_MAGIC;
  const me = await openAccount(args);
  // pack before signing in: a file that cannot be packed never costs a sign-in
  const source = isPackage ? await packageSource(bytes, args) : await fileSource(bytes, basename(inPath), args);
  const sealed = await sealForUpload({
    packageFrom: source.pack,
    owner: { id: me.account.id, signKey: me.signKey, wrapJwk: me.wrapJwk },
    modality: source.modality,
    frames: source.frames,
  });
  sealed.contentKey.fill(0); // the owner unwraps its own copy when sharing; nothing else needs it
  const client = createServerClient({ baseUrl: serverUrl(args, me) });
  await explained(client.signIn(me.account.name, me.signKey));
  const result = await explained(client.upload([sealed.bundle]));
  const failure = result.failed[0];
  if (failure) throw new Error(`the server did not store the scan: ${failure.message}`);
  const stored = result.stored[0];
  if (!stored || stored.id !== sealed.study) throw new Error('the server did not confirm the upload');
  console.log(JSON.stringify({ id: stored.id, version: stored.version }));
}
