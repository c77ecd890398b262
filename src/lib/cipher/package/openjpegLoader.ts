/**
 * The OpenJPEG encoder + decoder build for the AES package, started through the
 * project's one codec loader (src/lib/decode/dicom/codecs/wasmLoader.ts), which is the
 * only place that knows where a .wasm lives in Node and in the browser.
 */
import type { OpenJpegModule } from '@cornerstonejs/codec-openjpeg/wasmjs';
import { loadCodecModule, recentCodecMessages } from '../../decode/dicom/codecs/wasmLoader';

export function loadOpenJpeg(): Promise<OpenJpegModule> {
  return loadCodecModule<OpenJpegModule>('openjpegFull');
}

export function lastCodecMessages(): string {
  return recentCodecMessages('openjpegFull');
}
