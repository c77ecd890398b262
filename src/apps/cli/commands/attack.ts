/**
 * `cli attack --kind gradient-analytic|gradient-dlg|token-inversion|server-view ...`:
 * the model-inversion attacks, see inversionAttack.ts.
 *
 * `cli attack --kind leading-bit|min-difference|known-plaintext|bit-flip|gaussian
 *   --key KEY.json --in FILE [--known FILE] [--bit 7 --fraction 0.1 --mu 0 --sigma 20 --seed 1]
 *   [--frame N] [--window N] [--image-size 200] [--block-size 25] [--out ATTACKED.png] [--json]`
 *
 * Loads --in as the 200x200 model input, encrypts it with the key, runs the
 * attack and prints the leakage metrics against the original (and the note).
 * For known-plaintext, --known is the image the attacker knows; it is encrypted
 * with the same key and --in is the target. --out writes the attacker's result
 * (for integrity attacks: the decrypted damaged image). Prints numbers only:
 * never pixels, never key material.
 */
import {
  type ParsedArgs,
  UsageError,
  flag,
  optionalNumber,
  optionalString,
  requireOption,
  type CommandOptions,
  options,
} from '../args';
import { decodeOptionsFrom, loadImage, loadKey, writePng, DECODE_OPTIONS } from '../io';
import { toModelInput } from '../../../lib/image/resize';
import { encryptImage } from '../../../lib/cipher/bpe/bpe';
import { DEFAULT_BLOCK_SIZE, DEFAULT_IMAGE_SIZE } from '../../../lib/cipher/bpe/plan';
import { bpePlans } from '../../../lib/cipher/bpe/planCache';
import {
  ATTACK_KINDS,
  DEFAULT_BIT_FLIP,
  DEFAULT_GAUSSIAN,
  type AttackInput,
  isAttackKind,
  runAttack,
} from '../../../lib/attacks/runAttack';
import { formatMetric, leakageMetrics, type LeakageMetrics } from '../../../lib/metrics/leakage';
import { INVERSION_KINDS, isInversionKind } from '../../../lib/attacks/inversion';
import { INVERSION_ATTACK_OPTIONS } from './inversionAttack';

const METRIC_LABELS: Record<keyof LeakageMetrics, string> = {
  ssim: 'SSIM',
  psnr: 'PSNR',
  nmi: 'NMI',
  phashDistance: 'pHash distance',
};

/** JSON has no Infinity: identical images get psnr null, which the note and table spell out. */
function jsonMetrics(m: LeakageMetrics): Record<string, number | null> {
  return { ssim: m.ssim, psnr: Number.isFinite(m.psnr) ? m.psnr : null, nmi: m.nmi, phashDistance: m.phashDistance };
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(DECODE_OPTIONS, INVERSION_ATTACK_OPTIONS, {
  values: [
    'kind',
    'key',
    'passphrase',
    'image-size',
    'block-size',
    'in',
    'known',
    'fraction',
    'seed',
    'bit',
    'mu',
    'sigma',
    'out',
  ],
  flags: ['json'],
});

export async function run(args: ParsedArgs): Promise<void> {
  const kind = requireOption(args, 'kind');
  if (isInversionKind(kind)) return (await import('./inversionAttack')).runInversionAttack(kind, args);
  if (!isAttackKind(kind))
    throw new UsageError(`--kind must be one of ${[...ATTACK_KINDS, ...INVERSION_KINDS].join(', ')}; got "${kind}"`);
  const key = await loadKey(requireOption(args, 'key'), optionalString(args, 'passphrase'));
  const geometry = {
    imageSize: optionalNumber(args, 'image-size', DEFAULT_IMAGE_SIZE),
    blockSize: optionalNumber(args, 'block-size', DEFAULT_BLOCK_SIZE),
  };
  const plan = await bpePlans.plan(key, geometry);
  const original = toModelInput(
    (await loadImage(requireOption(args, 'in'), decodeOptionsFrom(args))).image,
    geometry.imageSize,
  );
  const encrypted = encryptImage(plan, original);

  const input: AttackInput = { original, encrypted, plan, blockSize: geometry.blockSize };
  if (kind === 'known-plaintext') {
    const knownPath = optionalString(args, 'known');
    if (!knownPath)
      throw new UsageError('known-plaintext needs --known FILE (the image the attacker knows; --in is the target)');
    const plain = toModelInput((await loadImage(knownPath)).image, geometry.imageSize);
    input.knownPair = { plain, encrypted: encryptImage(plan, plain) };
  }
  const fraction = (fallback: number) => optionalNumber(args, 'fraction', fallback);
  const seed = (fallback: number) => optionalNumber(args, 'seed', fallback);
  if (kind === 'bit-flip') {
    input.bitFlip = {
      bit: optionalNumber(args, 'bit', DEFAULT_BIT_FLIP.bit),
      fraction: fraction(DEFAULT_BIT_FLIP.fraction),
      seed: seed(DEFAULT_BIT_FLIP.seed),
    };
  }
  if (kind === 'gaussian') {
    input.gaussian = {
      mu: optionalNumber(args, 'mu', DEFAULT_GAUSSIAN.mu),
      sigma: optionalNumber(args, 'sigma', DEFAULT_GAUSSIAN.sigma),
      fraction: fraction(DEFAULT_GAUSSIAN.fraction),
      seed: seed(DEFAULT_GAUSSIAN.seed),
    };
  }

  const result = runAttack(kind, input);
  // The encrypted image itself, as the baseline the attack is trying to beat.
  const baseline = leakageMetrics(original, encrypted);
  const out = optionalString(args, 'out');
  if (out) await writePng(out, result.image);

  if (flag(args, 'json')) {
    console.log(
      JSON.stringify(
        {
          kind,
          scheme: plan.version,
          ...geometry,
          metrics: jsonMetrics(result.metrics),
          encryptedBaseline: jsonMetrics(baseline),
          details: result.details,
          note: result.note,
          ...(input.bitFlip ? { bitFlip: input.bitFlip } : {}),
          ...(input.gaussian ? { gaussian: input.gaussian } : {}),
          ...(out ? { written: out } : {}),
        },
        null,
        2,
      ),
    );
    return;
  }
  const rows = (Object.keys(METRIC_LABELS) as (keyof LeakageMetrics)[]).map((name) => [
    METRIC_LABELS[name],
    formatMetric(name, result.metrics[name]),
    formatMetric(name, baseline[name]),
  ]);
  const header = ['metric (vs original)', `${kind} result`, 'encrypted image'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => s.padEnd(widths[c])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  const details = Object.entries(result.details)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(', ');
  if (details) console.log(`\n${details}`);
  console.log(`\n${result.note}`);
  if (out) console.log(`written: ${out}`);
}
