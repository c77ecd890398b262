/**
 * Running the chosen attack on the selected scan's encrypted image and scoring
 * the result against the original. The attack code itself lives in src/attacks;
 * this only gathers its inputs from the stores and times it.
 *
 * Must never: hand the key to an attack. Attacks see what an adversary would:
 * encrypted images, and for known-plaintext one plain/encrypted pair.
 */
import type { RgbImage } from '../../../lib/image/rgb';
import type { CipherKey } from '../../../lib/keys/key';
import { toModelInput } from '../../../lib/image/resize';
import { selectedFile, useFiles, type ScanFile } from '../state/files';
import { keyReplaced, useKey } from '../state/key';
import { useResults, type AttackKind, type FileResults } from '../state/results';
import { useSettings } from '../state/settings';
import { MODEL_SIZE, planFor } from '../services/compute';
import { appKeys, pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import { readableError } from './loadFiles';

/** `short` names the attacked view: a title that wraps would push that view's image below the others. */
export const ATTACKS: Array<{ kind: AttackKind; title: string; short: string; what: string }> = [
  {
    kind: 'leading-bit',
    title: 'Leading-bit',
    short: 'leading-bit',
    what: 'Folds each value v to min(v, 255 − v), undoing the negative–positive flips, and rebuilds a grey image.',
  },
  {
    kind: 'min-difference',
    title: 'Minimum-difference',
    short: 'min-difference',
    what: 'Per pixel, tries the 6 channel orders × 8 flip patterns and keeps the one closest to its decoded neighbour.',
  },
  {
    kind: 'known-plaintext',
    title: 'Known-plaintext',
    short: 'known-plaintext',
    what: 'Recovers the key’s permutations from ONE known plain/encrypted pair, then decrypts this scan with them.',
  },
  {
    kind: 'bit-flip',
    title: 'Bit flip',
    short: 'bit flip',
    what: 'Integrity: XORs bit n of a chosen fraction of the encrypted values.',
  },
  {
    kind: 'gaussian',
    title: 'Gaussian noise',
    short: 'noise',
    what: 'Integrity: adds N(μ, σ) noise to a chosen fraction of the encrypted values.',
  },
  {
    kind: 'aes-bit-flip',
    title: 'AES-CBC vs AES-GCM bit flip',
    short: 'AES-CBC bit flip',
    what: 'Flips one ciphertext bit of the AES package: CBC decrypts to damaged pixels without noticing, GCM refuses the file.',
  },
];

/** Files that can play the attacker's known pair for `targetId`: any other encrypted scan. */
export function knownPairCandidates(
  files: ScanFile[],
  byFile: Record<string, FileResults>,
  targetId: string | null,
): ScanFile[] {
  return files.filter((f) => f.id !== targetId && f.modelInput && byFile[f.id]?.encrypted);
}

/** The user's choice when still valid, else the first candidate (derived, not stored twice). */
export function effectiveKnownPair(candidates: ScanFile[], wanted: string | null): string | null {
  return candidates.some((f) => f.id === wanted) ? wanted : (candidates[0]?.id ?? null);
}

export async function runSelectedAttack(): Promise<void> {
  const results = useResults.getState();
  const file = selectedFile(useFiles.getState());
  const { attackKind, attackParams } = useSettings.getState();
  const r = file ? results.byFile[file.id] : undefined;
  if (!file?.modelInput || !r?.encrypted) {
    results.setError('encrypt the selected scan first', 'attack');
    return;
  }
  results.setError(null);
  results.setBusy('attacking');
  // the previous attack's image and note go now: left under "Attacked", they would pass for this attack's
  results.patch(file.id, { attack: undefined });
  const t0 = performance.now();
  // results of a key forgotten or replaced meanwhile are dropped (an integrity attack's image is decrypted)
  const keyAtStart = useKey.getState().key;
  try {
    if (attackKind === 'aes-bit-flip') {
      await runAesComparison(file.id, keyAtStart);
    } else {
      let knownPair: { plain: RgbImage; encrypted: RgbImage } | undefined;
      if (attackKind === 'known-plaintext') {
        const candidates = knownPairCandidates(useFiles.getState().files, results.byFile, file.id);
        const pairId = effectiveKnownPair(candidates, attackParams.knownPairFileId);
        const pairFile = candidates.find((f) => f.id === pairId);
        const pair = pairFile ? results.byFile[pairFile.id] : undefined;
        if (!pairFile?.modelInput || !pair?.encrypted)
          throw new Error('pick another encrypted scan as the known plain/encrypted pair');
        knownPair = { plain: pairFile.modelInput, encrypted: pair.encrypted };
      }
      // The plan is handed over only for integrity attacks: the legitimate receiver decrypts the damaged image.
      const integrity = attackKind === 'bit-flip' || attackKind === 'gaussian';
      const key = useKey.getState().key;
      const plan = integrity && key ? await planFor(key) : undefined;
      const outcome = await pipelineBridge().call('attack', [
        attackKind,
        {
          original: file.modelInput,
          encrypted: r.encrypted,
          plan,
          knownPair,
          bitFlip: { bit: attackParams.bit, fraction: attackParams.fraction },
          gaussian: { mu: attackParams.mu, sigma: attackParams.sigma, fraction: attackParams.fraction },
        },
      ]);
      if (keyReplaced(keyAtStart)) return;
      useResults.getState().patch(file.id, {
        attack: { kind: attackKind, image: outcome.image, metrics: outcome.metrics, note: outcome.note },
      });
    }
    useResults.getState().time('attack', performance.now() - t0);
  } catch (err) {
    useResults.getState().setError(`attack failed: ${readableError(err)}`, 'attack');
  } finally {
    useResults.getState().setBusy(null);
  }
}

async function runAesComparison(fileId: string, key: CipherKey | null): Promise<void> {
  const file = useFiles.getState().files.find((f) => f.id === fileId);
  if (!key || !file?.decoded || !file.modelInput) throw new Error('a key and a decoded scan are needed');
  const handle = appKeys().registerKey(key);
  const demo = await appKeys().call(pipelineBridge(), handle, 'aesBitFlip', [file.decoded, handle]);
  // CBC hands back a full-resolution image; the views compare model inputs, so bring it to S x S.
  const image = demo.cbcImage ? toModelInput(demo.cbcImage, MODEL_SIZE) : undefined;
  const metrics = image ? (await pipelineBridge().call('score', [file.modelInput, [image]]))[0] : undefined;
  if (keyReplaced(key)) return;
  useResults.getState().patch(fileId, {
    attack: {
      kind: 'aes-bit-flip',
      image,
      metrics,
      note: `One ciphertext bit flipped (byte ${demo.flipped.ciphertextOffset}, bit ${demo.flipped.bit}). AES-CBC: ${demo.cbc}. AES-GCM: ${demo.gcm}.`,
      details: [
        demo.cbcAccepted
          ? `AES-CBC accepted the altered file without any warning: ${demo.cbcChangedPixels} of ${
              file.decoded.image.width * file.decoded.image.height
            } pixels came back changed.`
          : 'AES-CBC refused the file.',
        // the scores under the view look near-perfect here: say why they cannot show this damage
        'SSIM and PSNR average over the whole image, so a few pixels changed a lot still score near-perfect (SSIM ≈ 1, PSNR ≈ 60 dB): they miss local damage that is plain to see in the picture.',
        demo.gcmRefused
          ? `AES-GCM refused it: ${demo.gcmMessage ?? 'authentication failed'}`
          : 'AES-GCM did NOT refuse the file (this would be a bug).',
      ],
    },
  });
}
