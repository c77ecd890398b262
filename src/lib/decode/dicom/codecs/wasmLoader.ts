/**
 * The only place that knows whether we run in Node or in a browser (page or Web
 * Worker). It starts an Emscripten codec module once and hands the same promise to
 * every later caller.
 *  - Browser: the .wasm file's URL comes from Vite (`?url` import, hashed asset)
 *    and is passed to the factory's locateFile.
 *  - Node (vitest, CLI): the .wasm bytes are read from node_modules and passed as
 *    wasmBinary, so no fetch of a file: URL is needed.
 * It must never import node: modules statically (the browser bundle would break)
 * and never touch the DOM (it runs inside a worker).
 */
import { DecodeError } from '../../errors';

/** What every cornerstone Emscripten decoder module returns: a factory taking module overrides. */
export type EmscriptenFactory<M> = (overrides: {
  locateFile?: (path: string, prefix: string) => string;
  wasmBinary?: ArrayBuffer | Uint8Array;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<M>;

/** openjpeg: decoder-only build (DICOM); openjpegFull: encoder + decoder (the AES package's lossless JPEG 2000). */
export type CodecName = 'openjpeg' | 'openjpegFull' | 'charls' | 'libjpegTurbo8bit';

interface CodecSource {
  /** package export of the Emscripten glue (CommonJS factory) */
  loadFactory: () => Promise<{ default: unknown }>;
  /** browser: the .wasm asset URL produced by Vite */
  loadBrowserWasmUrl: () => Promise<{ default: string }>;
  /** Node: the package export that resolves to the .wasm file */
  nodeWasmSpecifier: string;
}

// Literal import strings on purpose: Vite must see them to bundle the glue and emit the .wasm assets.
const SOURCES: Record<CodecName, CodecSource> = {
  openjpeg: {
    loadFactory: () => import('@cornerstonejs/codec-openjpeg/decodewasmjs'),
    loadBrowserWasmUrl: () => import('@cornerstonejs/codec-openjpeg/decodewasm?url'),
    nodeWasmSpecifier: '@cornerstonejs/codec-openjpeg/decodewasm',
  },
  openjpegFull: {
    loadFactory: () => import('@cornerstonejs/codec-openjpeg/wasmjs'),
    loadBrowserWasmUrl: () => import('@cornerstonejs/codec-openjpeg/wasm?url'),
    nodeWasmSpecifier: '@cornerstonejs/codec-openjpeg/wasm',
  },
  charls: {
    loadFactory: () => import('@cornerstonejs/codec-charls/decodewasmjs'),
    loadBrowserWasmUrl: () => import('@cornerstonejs/codec-charls/decodewasm?url'),
    nodeWasmSpecifier: '@cornerstonejs/codec-charls/decodewasm',
  },
  libjpegTurbo8bit: {
    loadFactory: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs'),
    loadBrowserWasmUrl: () => import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url'),
    nodeWasmSpecifier: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm',
  },
};

const started = new Map<CodecName, Promise<unknown>>();
const recentLines = new Map<CodecName, string[]>();

/** The last warnings/errors a codec printed, to explain a codec failure in an error message. */
export function recentCodecMessages(name: CodecName): string {
  return (recentLines.get(name) ?? []).join(' ');
}

function rememberLine(name: CodecName, text: string): void {
  // OpenJPEG reports progress as "[INFO] ..."; only warnings and errors help explain a failure.
  if (text.startsWith('[INFO]')) return;
  const lines = recentLines.get(name) ?? [];
  lines.push(text.trim());
  if (lines.length > 8) lines.shift();
  recentLines.set(name, lines);
}

/** Node (not a browser page, not a worker): process.versions.node exists and there is no window/self worker scope. */
export function isNodeRuntime(): boolean {
  return (
    typeof process !== 'undefined' &&
    typeof process.versions === 'object' &&
    !!process.versions?.node &&
    typeof window === 'undefined'
  );
}

/** Starts the codec module once per thread (page, worker or Node process) and caches it. */
export function loadCodecModule<M>(name: CodecName): Promise<M> {
  let promise = started.get(name);
  if (!promise) {
    promise = startCodec(name).catch((err: unknown) => {
      started.delete(name); // let a later file try again (e.g. after a network hiccup in the browser)
      throw new DecodeError(`could not start the ${name} codec (${err instanceof Error ? err.message : String(err)})`);
    });
    started.set(name, promise);
  }
  return promise as Promise<M>;
}

async function startCodec(name: CodecName): Promise<unknown> {
  const source = SOURCES[name];
  const factory = unwrapDefault(await source.loadFactory()) as EmscriptenFactory<unknown>;
  // Codecs chat on stdout (the CLI prints JSON there): keep warnings for error messages, print nothing.
  const quiet = { print: (t: string) => rememberLine(name, t), printErr: (t: string) => rememberLine(name, t) };
  if (isNodeRuntime()) return factory({ ...quiet, wasmBinary: await readNodeWasm(source.nodeWasmSpecifier) });
  const { default: wasmUrl } = await source.loadBrowserWasmUrl();
  return factory({ ...quiet, locateFile: (path) => (path.endsWith('.wasm') ? wasmUrl : path) });
}

/** CommonJS default export interop differs between Node, vitest and Vite's bundle. */
function unwrapDefault(mod: unknown): unknown {
  let value = mod;
  for (
    let i = 0;
    i < 2 && typeof value !== 'function' && value && typeof value === 'object' && 'default' in value;
    i++
  ) {
    value = (value as { default: unknown }).default;
  }
  return value;
}

async function readNodeWasm(specifier: string): Promise<Uint8Array> {
  // Specifiers held in variables so bundlers leave these Node-only imports alone.
  const moduleId = 'node:module';
  const fsId = 'node:fs/promises';
  const { createRequire } = (await import(/* @vite-ignore */ moduleId)) as typeof import('node:module');
  const { readFile } = (await import(/* @vite-ignore */ fsId)) as typeof import('node:fs/promises');
  const require = createRequire(import.meta.url);
  return new Uint8Array(await readFile(require.resolve(specifier)));
}
