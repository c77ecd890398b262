/**
 * Timing for the benchmark, the same rules for every row: warm up once, then
 * repeat until at least `minMs` of work has been measured, and report the mean
 * per iteration. GPU rows record many dispatches, submit once and wait for
 * device.queue.onSubmittedWorkDone(), so the time is the GPU's, not the time to
 * enqueue. Runs in Node and in the browser.
 */
export interface Measurement {
  iterations: number;
  totalMs: number;
  msPerIteration: number;
}

const now = () => performance.now();

export function timeCpu(work: () => void, minMs = 800): Measurement {
  work(); // warm-up (JIT)
  let iterations = 0;
  const start = now();
  let elapsed: number;
  do {
    work();
    iterations++;
    elapsed = now() - start;
  } while (elapsed < minMs);
  return { iterations, totalMs: elapsed, msPerIteration: elapsed / iterations };
}

export async function timeAsync(work: () => Promise<unknown>, minMs = 800): Promise<Measurement> {
  await work();
  let iterations = 0;
  const start = now();
  let elapsed: number;
  do {
    await work();
    iterations++;
    elapsed = now() - start;
  } while (elapsed < minMs);
  return { iterations, totalMs: elapsed, msPerIteration: elapsed / iterations };
}

/** `record` appends one iteration's passes to the encoder. */
export async function timeGpu(
  device: GPUDevice,
  record: (encoder: GPUCommandEncoder) => void,
  minMs = 800,
  maxIterations = 2000,
): Promise<Measurement> {
  const run = async (iterations: number): Promise<number> => {
    const encoder = device.createCommandEncoder();
    for (let k = 0; k < iterations; k++) record(encoder);
    const commands = encoder.finish();
    const start = now();
    device.queue.submit([commands]);
    await device.queue.onSubmittedWorkDone();
    return now() - start;
  };
  await run(1); // warm-up: pipeline compilation, first touch of the buffers
  let iterations = 1;
  let elapsed = await run(iterations);
  // Grow the batch of dispatches until it fills minMs, at most three rounds.
  for (let round = 0; round < 3 && elapsed < minMs && iterations < maxIterations; round++) {
    iterations = Math.min(
      maxIterations,
      Math.max(iterations + 1, Math.ceil((iterations * minMs * 1.1) / Math.max(elapsed, 0.05))),
    );
    elapsed = await run(iterations);
  }
  return { iterations, totalMs: elapsed, msPerIteration: elapsed / iterations };
}
