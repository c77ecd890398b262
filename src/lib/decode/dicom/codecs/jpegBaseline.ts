/**
 * 8-bit lossy JPEG (baseline, process 1) inside DICOM. libjpeg-turbo (wasm) decodes
 * every stream whose colour model it can tell from its markers. The one case it
 * gets wrong, RGB components without an Adobe marker or 'R','G','B' ids, goes to
 * jpeg-js with the colour transform switched off, so no YCbCr conversion is applied
 * to data that was never YCbCr. Must never return anything but RGB or grey.
 */
import jpeg from 'jpeg-js';
import { DecodeError } from '../../errors';
import { jpegHoldsRgb, readJpegColourMarkers } from './jpegColourTransform';
import { decodeWithWasmCodec, type CodecOutput } from './wasmDecoders';

export async function decodeJpegBaseline(encoded: Uint8Array, photometric: string): Promise<CodecOutput> {
  const markers = readJpegColourMarkers(encoded);
  const [a, b, c] = markers.componentIds;
  const libjpegKnowsRgb = markers.adobeTransform !== undefined || (a === 0x52 && b === 0x47 && c === 0x42);
  if (!jpegHoldsRgb(markers, photometric) || libjpegKnowsRgb)
    return decodeWithWasmCodec('libjpegTurbo8bit', encoded, 'JPEG');
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = jpeg.decode(encoded, {
      useTArray: true,
      formatAsRGBA: false,
      colorTransform: false,
      maxMemoryUsageInMB: 1024,
    });
  } catch (err) {
    throw new DecodeError(`damaged JPEG data (${err instanceof Error ? err.message : String(err)})`);
  }
  return {
    width: img.width,
    height: img.height,
    bitsPerSample: 8,
    componentCount: 3,
    isSigned: false,
    planar: false,
    bytes: img.data,
  };
}
