/**
 * Loading scans: reads dropped/picked files or built-in samples, adds them to the
 * file list and decodes them one by one in the pipeline worker. A file that fails
 * gets status "error" with the decoder's readable message; the batch goes on.
 *
 * Must never: log file contents or DICOM attribute values.
 */
import type { DecodeOptions } from '../../../lib/decode/types';
import { SAMPLES, samplePng, sampleFileName } from '../../../lib/samples/gallery';
import { useFiles, type ScanFile } from '../state/files';
import { useResults } from '../state/results';
import { useDiagnosis } from '../state/diagnosis';
import { AbortError, TimeoutError, WorkerCrashedError } from '../../../platform/browser/workers/bridge';
import { appWorkers } from '../../../platform/browser/workers/appWorkers';
import { MODEL_SIZE } from '../services/compute';

type NewFile = Pick<ScanFile, 'originalName' | 'source' | 'synthetic' | 'bytes'>;

export async function loadUserFiles(list: FileList | File[]): Promise<void> {
  const files = Array.from(list);
  const items: NewFile[] = await Promise.all(
    files.map(async (f) => ({
      originalName: f.name,
      source: 'upload' as const,
      synthetic: false,
      bytes: new Uint8Array(await f.arrayBuffer()),
    })),
  );
  await addAndDecode(items);
}

export async function loadSample(sampleId: string): Promise<void> {
  const spec = SAMPLES.find((s) => s.id === sampleId);
  if (!spec) return;
  await addAndDecode([
    { originalName: sampleFileName(spec), source: 'sample', synthetic: true, bytes: samplePng(spec) },
  ]);
}

/**
 * The longest one file may take to decode: a 50-megapixel JPEG 2000 takes seconds;
 * a codec stuck on a damaged file would otherwise hold every file queued after it.
 */
export const DECODE_TIMEOUT_MS = 120_000;

/** One controller per running batch; Cancel aborts the file being decoded and skips the rest. */
let batchAbort: AbortController | null = null;

export function cancelBatch(): void {
  batchAbort?.abort();
}

async function addAndDecode(items: NewFile[]): Promise<void> {
  if (items.length === 0) return;
  if (!batchAbort || batchAbort.signal.aborted) batchAbort = new AbortController();
  const signal = batchAbort.signal;
  const store = useFiles.getState();
  const added = store.add(items);
  const previous = store.batch;
  // A batch added while another runs extends the same progress bar.
  const total = (previous?.total ?? 0) + added.length;
  store.setBatch({ total, done: previous?.done ?? 0 });
  for (const file of added) {
    if (signal.aborted) useFiles.getState().update(file.id, { status: 'error', error: 'decoding cancelled' });
    else await decodeFile(file.id, {}, signal);
    const batch = useFiles.getState().batch;
    if (batch) useFiles.getState().setBatch({ ...batch, done: batch.done + 1 });
  }
  const batch = useFiles.getState().batch;
  if (batch && batch.done >= batch.total) {
    useFiles.getState().setBatch(null);
    batchAbort = null;
  }
}

/**
 * Decode (or re-decode with another frame or grey mapping: DecodeOptions) one file; the model input
 * changes with it, so its results are dropped. Never throws: failures become the file's status.
 */
export async function decodeFile(id: string, options: DecodeOptions, signal?: AbortSignal): Promise<void> {
  const { files, update } = useFiles.getState();
  const file = files.find((f) => f.id === id);
  if (!file) return;
  update(id, { status: 'decoding', frame: options.frame ?? 0, voi: options.voi ?? 0, error: undefined });
  try {
    // a copy goes to the worker (transferred); the page keeps the original bytes for frame changes and the package
    const copy = file.bytes.slice();
    // decoding needs no order: the least busy pipeline worker takes it (one, unless the pool is made larger)
    const result = await appWorkers()
      .pick('pipeline')
      .call('decode', [copy, file.originalName, options, MODEL_SIZE], {
        transfer: [copy.buffer],
        signal,
        timeoutMs: DECODE_TIMEOUT_MS,
      });
    const { decoded } = result;
    update(id, {
      status: 'ready',
      decoded,
      modelInput: result.modelInput,
      decodeMs: result.ms,
      frame: decoded.frame,
      voi: decoded.dicom?.voi ?? 0,
    });
    // the old frame's results go with it: a diagnosis shown must be of the image shown
    useResults.getState().dropFile(id);
    useDiagnosis.getState().dropFile(id);
    useResults.getState().time('decode', result.ms);
  } catch (err) {
    const message =
      err instanceof AbortError
        ? 'decoding cancelled'
        : err instanceof TimeoutError
          ? `decoding ${err.message}: the file may be damaged (the others go on)`
          : err instanceof WorkerCrashedError
            ? `decoding failed: ${err.message}; try this file again (the others go on)`
            : readableError(err);
    update(id, { status: 'error', error: message });
  }
}

export function readableError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  return 'could not read this file';
}
