/**
 * Encrypting the loaded scans: every ready file's model input goes through the
 * BPE engine in ONE batch (one GPU dispatch on WebGPU), then each result is
 * scored against its original with the leakage metrics.
 *
 * Must never: encrypt without a key, or keep results of an older key.
 */
import { useFiles } from '../state/files';
import { keyReplaced, useKey } from '../state/key';
import { useResults } from '../state/results';
import { useSettings } from '../state/settings';
import { bpeEngine, describePath, planFor, runBpe } from '../services/compute';
import { pipelineBridge } from '../../../platform/browser/workers/appWorkers';
import { readableError } from './loadFiles';

export async function encryptReadyFiles(onlyId?: string): Promise<void> {
  const key = useKey.getState().key;
  const results = useResults.getState();
  if (!key) {
    results.setError('make or load a key first', 'encrypt');
    return;
  }
  const targets = useFiles
    .getState()
    .files.filter(
      (f) => (f.status === 'ready' || f.status === 'encrypted') && f.modelInput && (!onlyId || f.id === onlyId),
    );
  if (targets.length === 0) return;
  results.setBusy('encrypting');
  try {
    results.setError(null);
    const plan = await planFor(key);
    const preferGpu = useSettings.getState().preferGpu;
    await bpeEngine(preferGpu); // start the engine (GPU device) outside the timed step
    const t0 = performance.now();
    const { bytes: batch, engine } = await runBpe(
      preferGpu,
      plan,
      'encrypt',
      targets.map((f) => f.modelInput!.data),
    );
    results.time('encrypt', performance.now() - t0);
    results.setComputePath(describePath(engine));
    if (keyReplaced(key)) return; // the key changed while we worked: these results are stale
    const bytesPerImage = plan.imageSize * plan.imageSize * 3;
    const encryptedImages = targets.map((_, k) => ({
      width: plan.imageSize,
      height: plan.imageSize,
      data: batch.slice(k * bytesPerImage, (k + 1) * bytesPerImage),
    }));
    targets.forEach((file, k) => {
      useResults.getState().patch(file.id, {
        encrypted: encryptedImages[k],
        keyCheck: key.check,
        encryptedMetrics: undefined,
        attack: undefined,
      });
      useFiles.getState().update(file.id, { status: 'encrypted' });
    });
    // Metrics are scored in the worker, after the images are on screen.
    const t1 = performance.now();
    for (const [k, file] of targets.entries()) {
      const [encryptedMetrics] = await pipelineBridge().call('score', [file.modelInput!, [encryptedImages[k]]]);
      if (keyReplaced(key)) return;
      useResults.getState().patch(file.id, { encryptedMetrics });
    }
    results.time('metrics', performance.now() - t1);
  } catch (err) {
    results.setError(`encryption failed: ${readableError(err)}`, 'encrypt');
  } finally {
    useResults.getState().setBusy(null);
  }
}
