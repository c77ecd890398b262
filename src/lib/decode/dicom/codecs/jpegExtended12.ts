/**
 * JPEG Extended (process 4): sequential DCT, Huffman coded, 12-bit samples, one
 * component. Written here because no maintained npm decoder handles 12-bit DCT
 * (libjpeg-turbo-8bit is 8-bit only, jpeg-lossless-decoder-js is lossless only).
 * It follows ITU-T T.81 (F.2.2 decoding, level shift by 2^(P-1)) and uses libjpeg's
 * integer IDCT, so its samples equal libjpeg's (pydicom, DCMTK) exactly.
 * Scope on purpose: one component, no arithmetic coding, no progressive scans;
 * anything else is refused by name rather than decoded approximately. It must
 * never loop on damaged input: every read is bounded by the buffer end.
 */
import { DecodeError } from '../../errors';
import type { CodecOutput } from './wasmDecoders';

const ZIGZAG = new Int32Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47,
  55, 62, 63,
]);

interface HuffmanTable {
  /** per code length 1..16: first code, index of its first symbol, number of codes */
  firstCode: Int32Array;
  firstIndex: Int32Array;
  counts: Int32Array;
  symbols: Uint8Array;
}

interface Frame {
  precision: number;
  width: number;
  height: number;
  componentId: number;
  quantTableId: number;
}

/** Sample precision from the first SOF marker, or undefined when none is found. */
export function jpegSamplePrecision(jpeg: Uint8Array): number | undefined {
  let pos = 2;
  while (pos + 4 < jpeg.length && jpeg[pos] === 0xff) {
    const marker = jpeg[pos + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return jpeg[pos + 4];
    if (marker === 0xda) return undefined;
    pos += 2 + ((jpeg[pos + 2] << 8) | jpeg[pos + 3]);
  }
  return undefined;
}

export function decodeJpegExtended12(jpeg: Uint8Array): CodecOutput {
  const quant: (Int32Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let frame: Frame | undefined;
  let restartInterval = 0;
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw damaged('no start-of-image marker');
  let pos = 2;
  for (;;) {
    if (pos + 4 > jpeg.length) throw damaged('ends before the image data');
    if (jpeg[pos] !== 0xff) throw damaged('marker expected');
    const marker = jpeg[pos + 1];
    if (marker === 0xff) {
      pos++;
      continue;
    }
    const length = (jpeg[pos + 2] << 8) | jpeg[pos + 3];
    const body = pos + 4;
    const end = pos + 2 + length;
    if (end > jpeg.length) throw damaged('segment runs past the end');
    if (marker === 0xdb) readQuantTables(jpeg, body, end, quant);
    else if (marker === 0xc4) readHuffmanTables(jpeg, body, end, dcTables, acTables);
    else if (marker === 0xdd) restartInterval = (jpeg[body] << 8) | jpeg[body + 1];
    else if (marker === 0xc0 || marker === 0xc1) frame = readFrame(jpeg, body);
    else if (marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw new DecodeError(`unsupported compression (JPEG process with SOF marker 0x${marker.toString(16)})`);
    } else if (marker === 0xda) {
      if (!frame) throw damaged('scan before frame header');
      if (jpeg[body] !== 1)
        throw new DecodeError('unsupported compression (JPEG Extended with more than one component)');
      const tables = jpeg[body + 2];
      const dc = dcTables[tables >> 4];
      const ac = acTables[tables & 15];
      const q = quant[frame.quantTableId];
      if (!dc || !ac || !q) throw damaged('missing Huffman or quantisation table');
      const samples = decodeScan(jpeg, body + 1 + 2 * jpeg[body] + 3, frame, dc, ac, q, restartInterval);
      return {
        width: frame.width,
        height: frame.height,
        bitsPerSample: 16,
        componentCount: 1,
        isSigned: false,
        planar: false,
        bytes: new Uint8Array(samples.buffer),
      };
    }
    pos = end;
  }
}

function damaged(why: string): DecodeError {
  return new DecodeError(`damaged JPEG data (${why})`);
}

function readFrame(jpeg: Uint8Array, body: number): Frame {
  const precision = jpeg[body];
  const height = (jpeg[body + 1] << 8) | jpeg[body + 2];
  const width = (jpeg[body + 3] << 8) | jpeg[body + 4];
  const components = jpeg[body + 5];
  if (components !== 1) throw new DecodeError('unsupported compression (JPEG Extended with more than one component)');
  if (precision !== 8 && precision !== 12) throw damaged(`sample precision ${precision}`);
  if (!width || !height) throw damaged('zero image size');
  return { precision, width, height, componentId: jpeg[body + 6], quantTableId: jpeg[body + 8] & 3 };
}

function readQuantTables(jpeg: Uint8Array, pos: number, end: number, quant: (Int32Array | undefined)[]): void {
  while (pos < end) {
    const wide = jpeg[pos] >> 4;
    const id = jpeg[pos] & 3;
    pos++;
    const table = new Int32Array(64); // zig-zag order, as stored
    for (let k = 0; k < 64; k++) {
      table[k] = wide ? (jpeg[pos] << 8) | jpeg[pos + 1] : jpeg[pos];
      pos += wide ? 2 : 1;
    }
    quant[id] = table;
  }
}

function readHuffmanTables(
  jpeg: Uint8Array,
  pos: number,
  end: number,
  dc: (HuffmanTable | undefined)[],
  ac: (HuffmanTable | undefined)[],
): void {
  while (pos + 17 <= end) {
    const cls = jpeg[pos] >> 4;
    const id = jpeg[pos] & 3;
    const counts = new Int32Array(17);
    let total = 0;
    for (let len = 1; len <= 16; len++) total += counts[len] = jpeg[pos + len];
    const symbols = jpeg.slice(pos + 17, pos + 17 + total);
    // Canonical codes (T.81 C.2): codes of one length are consecutive; each length starts at (previous end) << 1.
    const firstCode = new Int32Array(17);
    const firstIndex = new Int32Array(17);
    let code = 0;
    let index = 0;
    for (let len = 1; len <= 16; len++) {
      firstCode[len] = code;
      firstIndex[len] = index;
      code = (code + counts[len]) << 1;
      index += counts[len];
    }
    (cls === 0 ? dc : ac)[id] = { firstCode, firstIndex, counts, symbols };
    pos += 17 + total;
  }
}

function decodeScan(
  jpeg: Uint8Array,
  start: number,
  frame: Frame,
  dc: HuffmanTable,
  ac: HuffmanTable,
  q: Int32Array,
  restartInterval: number,
): Uint16Array {
  const { width, height, precision } = frame;
  const blocksPerLine = Math.ceil(width / 8);
  const blockRows = Math.ceil(height / 8);
  const out = new Uint16Array(width * height);
  const maxSample = (1 << precision) - 1;
  const shift = 1 << (precision - 1);
  let pos = start;
  let bitBuffer = 0;
  let bitCount = 0;

  // Past a marker or the buffer end, the bit reader yields zeros (T.81 F.2.2.5 behaviour of real decoders).
  const readBit = (): number => {
    if (bitCount === 0) {
      let byte = 0;
      if (pos < jpeg.length) {
        byte = jpeg[pos];
        if (byte === 0xff) {
          const next = jpeg[pos + 1];
          if (next === 0x00) pos += 2;
          else byte = 0; // a marker: do not consume it
        } else pos++;
      }
      bitBuffer = byte;
      bitCount = 8;
    }
    bitCount--;
    return (bitBuffer >> bitCount) & 1;
  };
  const receive = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | readBit();
    return v;
  };
  const extend = (v: number, n: number): number => (n === 0 ? 0 : v < 1 << (n - 1) ? v - (1 << n) + 1 : v);
  const decodeSymbol = (t: HuffmanTable): number => {
    let code = 0;
    for (let len = 1; len <= 16; len++) {
      code = (code << 1) | readBit();
      const offset = code - t.firstCode[len];
      if (offset >= 0 && offset < t.counts[len]) return t.symbols[t.firstIndex[len] + offset];
    }
    throw damaged('invalid Huffman code');
  };

  const coefficients = new Float64Array(64);
  const rowPass = new Float64Array(64);
  let predictor = 0;
  const totalBlocks = blocksPerLine * blockRows;
  for (let block = 0; block < totalBlocks; block++) {
    if (restartInterval && block > 0 && block % restartInterval === 0) {
      // Byte-align, then step over the RSTn marker and reset the DC predictor.
      bitCount = 0;
      while (pos + 1 < jpeg.length && !(jpeg[pos] === 0xff && jpeg[pos + 1] >= 0xd0 && jpeg[pos + 1] <= 0xd7)) pos++;
      pos += 2;
      predictor = 0;
    }
    coefficients.fill(0);
    const t = decodeSymbol(dc);
    if (t > 16) throw damaged('DC difference out of range');
    predictor += extend(receive(t), t);
    coefficients[0] = predictor * q[0];
    for (let k = 1; k < 64;) {
      const rs = decodeSymbol(ac);
      const r = rs >> 4;
      const s = rs & 15;
      if (s === 0) {
        if (r !== 15) break; // end of block
        k += 16;
        continue;
      }
      k += r;
      if (k > 63) throw damaged('AC coefficient index out of range');
      coefficients[ZIGZAG[k]] = extend(receive(s), s) * q[k];
      k++;
    }
    inverseDct(coefficients, rowPass);
    const bx = (block % blocksPerLine) * 8;
    const by = Math.floor(block / blocksPerLine) * 8;
    for (let y = 0; y < 8 && by + y < height; y++) {
      for (let x = 0; x < 8 && bx + x < width; x++) {
        const v = rowPass[y * 8 + x] + shift;
        out[(by + y) * width + bx + x] = v < 0 ? 0 : v > maxSample ? maxSample : v;
      }
    }
  }
  return out;
}

// Integer IDCT constants of libjpeg's jidctint.c (CONST_BITS = 13), so samples match
// libjpeg/DCMTK/pydicom exactly rather than to within rounding.
const CONST_BITS = 13;
const PASS1_BITS = 1; // libjpeg's value for 12-bit samples
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/**
 * One 1-D pass of libjpeg's "islow" IDCT over 8 values read at `input[offset + k*stride]`,
 * written to `output[outOffset + k*outStride]` after descaling by `shift` bits.
 * Plain locals, no closures: this runs 16 times per 8x8 block.
 */
function idctPass(
  input: Float64Array,
  offset: number,
  stride: number,
  output: Float64Array,
  outOffset: number,
  outStride: number,
  shift: number,
): void {
  const i0 = input[offset];
  const i1 = input[offset + stride];
  const i2 = input[offset + 2 * stride];
  const i3 = input[offset + 3 * stride];
  const i4 = input[offset + 4 * stride];
  const i5 = input[offset + 5 * stride];
  const i6 = input[offset + 6 * stride];
  const i7 = input[offset + 7 * stride];
  const scale = 2 ** shift;
  const half = scale / 2;
  if (i1 === 0 && i2 === 0 && i3 === 0 && i4 === 0 && i5 === 0 && i6 === 0 && i7 === 0) {
    // Only the DC term: every output is the same (the common case for flat areas).
    const dc = Math.floor((i0 * 2 ** CONST_BITS + half) / scale);
    for (let k = 0; k < 8; k++) output[outOffset + k * outStride] = dc;
    return;
  }
  // even part
  const z1e = (i2 + i6) * FIX_0_541196100;
  const tmp2e = z1e - i6 * FIX_1_847759065;
  const tmp3e = z1e + i2 * FIX_0_765366865;
  const tmp0e = (i0 + i4) * 2 ** CONST_BITS;
  const tmp1e = (i0 - i4) * 2 ** CONST_BITS;
  const tmp10 = tmp0e + tmp3e;
  const tmp13 = tmp0e - tmp3e;
  const tmp11 = tmp1e + tmp2e;
  const tmp12 = tmp1e - tmp2e;
  // odd part
  const z5 = (i7 + i3 + i5 + i1) * FIX_1_175875602;
  const z1 = (i7 + i1) * -FIX_0_899976223;
  const z2 = (i5 + i3) * -FIX_2_562915447;
  const z3 = (i7 + i3) * -FIX_1_961570560 + z5;
  const z4 = (i5 + i1) * -FIX_0_390180644 + z5;
  const tmp0 = i7 * FIX_0_298631336 + z1 + z3;
  const tmp1 = i5 * FIX_2_053119869 + z2 + z4;
  const tmp2 = i3 * FIX_3_072711026 + z2 + z3;
  const tmp3 = i1 * FIX_1_501321110 + z1 + z4;
  output[outOffset] = Math.floor((tmp10 + tmp3 + half) / scale);
  output[outOffset + 7 * outStride] = Math.floor((tmp10 - tmp3 + half) / scale);
  output[outOffset + outStride] = Math.floor((tmp11 + tmp2 + half) / scale);
  output[outOffset + 6 * outStride] = Math.floor((tmp11 - tmp2 + half) / scale);
  output[outOffset + 2 * outStride] = Math.floor((tmp12 + tmp1 + half) / scale);
  output[outOffset + 5 * outStride] = Math.floor((tmp12 - tmp1 + half) / scale);
  output[outOffset + 3 * outStride] = Math.floor((tmp13 + tmp0 + half) / scale);
  output[outOffset + 4 * outStride] = Math.floor((tmp13 - tmp0 + half) / scale);
}

/**
 * 8x8 inverse DCT as libjpeg's jpeg_idct_islow: columns first (kept with PASS1_BITS
 * extra precision), then rows, descaled by a further 3 bits for the 1/8 scale.
 * `F` holds dequantised coefficients in natural order; `out` gets level-unshifted samples.
 */
const workspace = new Float64Array(64);
function inverseDct(F: Float64Array, out: Float64Array): void {
  for (let col = 0; col < 8; col++) idctPass(F, col, 8, workspace, col, 8, CONST_BITS - PASS1_BITS);
  for (let row = 0; row < 8; row++) idctPass(workspace, row * 8, 1, out, row * 8, 1, CONST_BITS + PASS1_BITS + 3);
}
