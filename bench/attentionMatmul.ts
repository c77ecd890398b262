/**
 * Why the ViT trains slowly here (`npx tsx bench/attentionMatmul.ts`): the
 * attention products are per image and head ([64 images x 4 heads] of 65 x 24 x
 * 65), and tfjs-wasm runs batched matMul far below its 2-D matMul. Times, in one
 * run, the attention scores product of one brain-ViT training batch three ways:
 * the batched kernel the model uses, a loop of 2-D products, and a single 2-D
 * product of the same size (the speed a dense layer gets). Node, wasm backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

function time(name: string, flop: number, f: () => tf.Tensor): number {
  for (let i = 0; i < 2; i++) tf.dispose(f());
  const runs = 8;
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const r = f();
    r.dataSync();
    r.dispose();
  }
  const ms = (performance.now() - t0) / runs;
  console.log(
    `${name.padEnd(46)} ${ms.toFixed(2).padStart(8)} ms  ${(flop / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`,
  );
  return ms;
}

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  const [batch, heads, tokens, headDim] = [64, 4, 65, 24];
  const flop = 2 * batch * heads * tokens * headDim * tokens;
  const q = tf.randomNormal([batch, heads, tokens, headDim]);
  const kT = tf.randomNormal([batch, heads, headDim, tokens]);
  const batched = time('batched matMul [64, 4] x 65x24x65', flop, () => tf.matMul(q, kT));
  const q2 = tf.randomNormal([tokens, headDim]);
  const k2 = tf.randomNormal([headDim, tokens]);
  const loop = time('loop of 256 2-D matMuls 65x24x65 (+ stack)', flop, () =>
    tf.tidy(() => tf.stack(Array.from({ length: batch * heads }, () => tf.matMul(q2, k2)))),
  );
  const qFlat = tf.randomNormal([batch * heads * tokens, headDim]);
  const single = time('one 2-D matMul 16640x24x65 (same FLOPs)', flop, () => tf.matMul(qFlat, k2));
  console.log(`batched / loop ${(batched / loop).toFixed(2)}x, batched / one 2-D ${(batched / single).toFixed(2)}x`);
  tf.dispose([q, kT, q2, k2, qFlat]);
}

main();
