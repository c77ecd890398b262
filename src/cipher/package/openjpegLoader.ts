/**
 * Starts the OpenJPEG WebAssembly codec (encoder + decoder build) once per
 * thread, in Node and in the browser. The one place that knows where the .wasm
 * lives:
 *  - Node (CLI, tests): Emscripten's own Node branch reads `openjpegwasm.wasm`
 *    from the package folder in node_modules (next to the factory script), so we
 *    pass no locateFile.
 *  - Browser / worker: Vite emits the .wasm as an asset and `?url` gives its URL;
 *    locateFile hands that URL to Emscripten. Without it Emscripten guesses a path
 *    relative to the bundle, and the server answers with index.html ("expected
 *    magic word 00 61 73 6d").
 *
 * Must never: print codec chatter on stdout (the CLI prints JSON there), or start
 * the module more than once per thread.
 */
import type { OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';

let modulePromise: Promise<OpenJpegModule> | undefined;

/** Last lines OpenJPEG wrote, kept to explain a codec failure in an error message. */
const recentCodecLines: string[] = [];

function rememberCodecLine(text: string): void {
  // OpenJPEG reports progress as "[INFO]"; only warnings and errors help explain a failure.
  if (text.startsWith('[INFO]')) return;
  recentCodecLines.push(text.trim());
  if (recentCodecLines.length > 8) recentCodecLines.shift();
}

export function lastCodecMessages(): string {
  return recentCodecLines.join(' ');
}

function runningInNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && typeof window === 'undefined';
}

async function startModule(): Promise<OpenJpegModule> {
  const { default: factory } = await import('@cornerstonejs/codec-openjpeg/wasmjs');
  const quiet = { print: rememberCodecLine, printErr: rememberCodecLine };
  if (runningInNode()) return factory(quiet);
  const { default: wasmUrl } = await import('@cornerstonejs/codec-openjpeg/wasm?url');
  return factory({ ...quiet, locateFile: (path) => (path.endsWith('.wasm') ? wasmUrl : path) });
}

/** The OpenJPEG module; started on first use, shared afterwards. A failed start is retried next call. */
export function loadOpenJpeg(): Promise<OpenJpegModule> {
  if (!modulePromise) {
    modulePromise = startModule().catch((err: unknown) => {
      modulePromise = undefined;
      throw new Error(`could not start the JPEG 2000 codec (${err instanceof Error ? err.message : String(err)})`);
    });
  }
  return modulePromise;
}
