/**
 * The BPE benchmark suite: one set of synthetic images (bench/images.ts), one
 * public bench key, and every implementation on it — TypeScript reference and
 * four-pass in Node and in the page, and on the page's WebGPU device the fused
 * kernel, the four-dispatch version, a plain copy and the end-to-end path.
 * Ratios are computed from the rows, and the targets are stated beside them.
 */
import { gather } from '../../src/lib/cipher/bpe/bpe';
import { encryptFourPass } from '../../src/lib/cipher/bpe/fourPass';
import { planForKey } from '../../src/lib/cipher/bpe/plan';
import { keyFromBytes } from '../../src/lib/keys/key';
import { BENCH_KEY_BYTES, type BpeBenchConfig } from '../benchConfig';
import { phantomBatch } from '../images';
import type { BenchRow } from '../results';
import { measureVariants, type Variant } from '../variants';
import { timeCpu } from '../timing';
import type { BenchSuite } from './types';

export const BPE_BENCH_DEFAULTS: BpeBenchConfig = { imageSize: 200, blockSize: 25, batch: 64, minMs: 400, rounds: 3 };

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function nodeRows(cfg: BpeBenchConfig): Promise<BenchRow[]> {
  const { imageSize: S, blockSize: B, batch, minMs } = cfg;
  const n = S * S * 3;
  const plan = await planForKey(await keyFromBytes(BENCH_KEY_BYTES, 'imported'), { imageSize: S, blockSize: B });
  const images = phantomBatch(S, batch);
  const out = new Uint8Array(images.length);
  const reference = gather(plan, images);
  let last: Uint8Array = new Uint8Array(0);
  const fourPassAll = () => {
    for (let k = 0; k < batch; k++) last = encryptFourPass(plan, images.subarray(k * n, (k + 1) * n));
  };
  const variants: Variant[] = [
    {
      name: 'TS reference (fused gather)',
      runtime: 'node',
      device: 'CPU',
      verify: async () => equal(gather(plan, images, out), reference),
      measure: async () => timeCpu(() => gather(plan, images, out), minMs),
    },
    {
      name: 'TS four-pass',
      runtime: 'node',
      device: 'CPU',
      verify: async () => (fourPassAll(), equal(last, reference.subarray((batch - 1) * n))),
      measure: async () => timeCpu(fourPassAll, minMs),
    },
  ];
  return measureVariants(variants, cfg.rounds, { suite: 'bpe', images: batch, imageBytes: n }, cfg.only);
}

const ratio = (a?: BenchRow, b?: BenchRow) => (a && b ? a.imagesPerSecond / b.imagesPerSecond : null);
const fmt = (x: number | null, target?: number) =>
  x === null
    ? 'n/a'
    : `${x.toFixed(2)}x` +
      (target === undefined
        ? ''
        : ` (target >= ${target}x: ${x >= target ? 'met' : `missed, ${((x / target) * 100).toFixed(0)}% of target`})`);

export function bpeSuite(cfg: BpeBenchConfig = BPE_BENCH_DEFAULTS): BenchSuite {
  return {
    name: 'bpe',
    description: `block-pixel encryption, ${cfg.batch} images ${cfg.imageSize}x${cfg.imageSize}x3, block ${cfg.blockSize}`,
    async run(ctx) {
      ctx.log(`bpe: Node rows (TS reference, four-pass)`);
      const rows = await nodeRows({
        ...cfg,
        minMs: ctx.minMs ?? cfg.minMs,
        rounds: ctx.rounds ?? cfg.rounds,
        only: ctx.only,
      });
      ctx.log(`bpe: browser rows (TS in page, WebGPU kernels)`);
      const browser = await ctx.page.evaluate((c) => window.cipherscanHarness!.runBpeBrowserBench(c), {
        ...cfg,
        minMs: ctx.minMs ?? cfg.minMs,
        rounds: ctx.rounds ?? cfg.rounds,
        only: ctx.only,
      });
      rows.push(...browser.rows);
      const find = (runtime: string, name: string) =>
        rows.find((r) => r.runtime === runtime && r.name.startsWith(name));
      const fusedRows = rows.filter((r) => r.runtime === 'browser' && r.name.startsWith('WebGPU fused kernel'));
      const fused = fusedRows.reduce<BenchRow | undefined>(
        (best, r) => (!best || r.imagesPerSecond > best.imagesPerSecond ? r : best),
        undefined,
      );
      const slowestFused = fusedRows.reduce<BenchRow | undefined>(
        (worst, r) => (!worst || r.imagesPerSecond < worst.imagesPerSecond ? r : worst),
        undefined,
      );
      const gpuFourPass = find('browser', 'WebGPU four-pass');
      // the ceiling is the faster of the plain copies
      const copy = rows
        .filter((r) => r.runtime === 'browser' && r.name.startsWith('WebGPU plain copy'))
        .reduce<BenchRow | undefined>(
          (best, r) => (!best || r.imagesPerSecond > best.imagesPerSecond ? r : best),
          undefined,
        );
      const byteWise = find('browser', 'WebGPU byte-wise fused');
      const wordCopy = find('browser', 'WebGPU plain copy (ceiling; u32');
      const ratios = {
        fusedOverFourPassGpu: ratio(fused, gpuFourPass),
        fusedOverCopy: ratio(fused, copy),
        fusedOverWordCopy: ratio(fused, wordCopy),
        fastestOverSlowestFusedLayout: ratio(fused, slowestFused),
        byteWiseFusedOverFourPassGpu: ratio(byteWise, gpuFourPass),
        fusedOverByteWiseFused: ratio(fused, byteWise),
        fusedGpuOverTsReferenceNode: ratio(fused, find('node', 'TS reference')),
        tsReferenceOverTsFourPassNode: ratio(find('node', 'TS reference'), find('node', 'TS four-pass')),
      };
      const summary = browser.adapter
        ? [
            `adapter: ${browser.adapter}${/software/.test(browser.adapter) ? " — a CPU emulation of a GPU: GPU rows measure SwiftShader on this machine's CPU cores, not GPU hardware" : ''}`,
            `fastest fused layout: ${fused?.name ?? 'n/a'} (${fmt(ratios.fastestOverSlowestFusedLayout)} the slowest, ${slowestFused?.name ?? 'n/a'})`,
            `fused / four-pass (WebGPU, like for like): ${fmt(ratios.fusedOverFourPassGpu, 10)}`,
            `  of which fusion alone (byte-wise fused / four-pass): ${fmt(ratios.byteWiseFusedOverFourPassGpu)}`,
            `  and the pixel-wise kernel (fused / byte-wise fused): ${fmt(ratios.fusedOverByteWiseFused)}`,
            `fused / plain copy (WebGPU, faster copy): ${fmt(ratios.fusedOverCopy, 0.5)}`,
            `fused / plain u32 copy (same access width as the kernel's output): ${fmt(ratios.fusedOverWordCopy)}`,
            `fused WebGPU / TS reference (Node):       ${fmt(ratios.fusedGpuOverTsReferenceNode)}`,
            `TS reference / TS four-pass (Node):       ${fmt(ratios.tsReferenceOverTsFourPassNode)}`,
          ]
        : [`no WebGPU adapter in the page (${browser.reason}); GPU rows skipped`];
      if (rows.some((r) => r.verified === false))
        summary.push('WARNING: a row did not reproduce the TypeScript reference (verified = false)');
      return {
        rows,
        meta: { config: cfg, adapter: browser.adapter, reason: browser.reason, ratios, fusedKept: fused?.name ?? null },
        summary,
      };
    },
  };
}
