/**
 * DICOM file -> DecodedImage: parse (parseDataset), pick the frame, decompress by
 * the transfer-syntax table, then the fixed display pipeline. Also lists which
 * identifying attributes the file carries, by keyword only.
 * Runs unchanged in Node, in a browser page and in a Web Worker (no DOM).
 * Must never return, log or put in an error message any attribute value.
 */
import type { DataSet, Element } from 'dicom-parser';
import { DecodeError, frameOutOfRange } from '../errors';
import type { DecodeOptions, DecodedImage, DicomSummary } from '../types';
import { decodeJpegBaseline } from './codecs/jpegBaseline';
import { decodeJpegExtended12, jpegSamplePrecision } from './codecs/jpegExtended12';
import { decodeJpegLossless } from './codecs/jpegLossless';
import { decodeWithWasmCodec, type CodecOutput } from './codecs/wasmDecoders';
import { toDisplayRgb } from './displayPipeline';
import { encapsulatedFrame } from './encapsulatedFrames';
import { hiddenIdentifierRisks, identifyingAttributesIn } from './identifying';
import { nativeFrameBits, readImageAttributes, type ImageAttributes } from './imageAttributes';
import { readNativeFrame } from './nativeFrame';
import { readPalette } from './paletteColour';
import { describeParseFailure, parseDicomBytes } from './parseDataset';
import { decodeRleFrame } from './rle';
import { readDescriptiveAttributes } from './descriptiveAttributes';
import { samplesFromCodec, storedBitsOnly, type SampleArray } from './storedSamples';
import { requireDecodable, transferSyntaxFor, type PixelEncoding, type TransferSyntax } from './transferSyntaxes';

export async function decodeDicom(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  return (await openDicomFrames(bytes, options)).decode(options.frame ?? 0);
}

/** A DICOM file parsed once, its frames decoded one at a time (packing every frame of a series). */
export interface DicomFrames {
  frames: number;
  decode(frame: number): Promise<DecodedImage>;
}

/**
 * Parses the file and reads what every frame shares (attributes, grey-level
 * choice, identifying attributes) once; `decode(k)` decompresses and displays
 * frame k. Errors come out as DecodeError, as from decodeDicom.
 */
export async function openDicomFrames(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DicomFrames> {
  const decodeErrors = async <T>(work: () => Promise<T> | T): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      // dicom-parser also throws plain strings and objects while reading frames.
      throw new DecodeError(describeParseFailure(err));
    }
  };
  const file = await decodeErrors(() => prepareDicom(bytes, options));
  return { frames: file.attrs.frames, decode: (frame) => decodeErrors(() => file.decode(frame)) };
}

function prepareDicom(bytes: Uint8Array, options: DecodeOptions) {
  const { dataSet, transferSyntaxUid } = parseDicomBytes(bytes);
  const syntax = transferSyntaxFor(transferSyntaxUid);
  const pixelData = findPixelData(dataSet);
  const encoding = requireDecodable(syntax);
  const attrs = countFramesIfMalformed(readImageAttributes(dataSet, options.voi ?? 0), pixelData, dataSet, encoding);
  const identifyingAttributes = identifyingAttributesIn(dataSet);
  const risks = hiddenIdentifierRisks(dataSet);
  const descriptive = readDescriptiveAttributes(dataSet);
  const modalityTransform = photometricIsGrey(attrs.photometricInterpretation)
    ? {
        bitsAllocated: attrs.bitsAllocated,
        bitsStored: attrs.bitsStored,
        highBit: attrs.highBit,
        pixelRepresentation: attrs.pixelRepresentation,
        rescaleSlope: attrs.rescaleSlope,
        rescaleIntercept: attrs.rescaleIntercept,
        ...(attrs.modalityLut ? { modalityLut: attrs.modalityLut } : {}),
      }
    : undefined;
  // read on the first palette-colour frame, shared by the rest
  let paletteOnce: ReturnType<typeof readPalette> | undefined;
  const decode = async (frame: number): Promise<DecodedImage> => {
    if (!Number.isInteger(frame) || frame < 0 || frame >= attrs.frames) {
      throw frameOutOfRange(frame, attrs.frames);
    }
    const { samples, photometric } = await decodeFrame(dataSet, pixelData, syntax, encoding, attrs, frame);
    const palette = photometric === 'PALETTE COLOR' ? (paletteOnce ??= readPalette(dataSet)) : undefined;
    const display = toDisplayRgb(samples, attrs, photometric, palette);
    const dicom: DicomSummary = {
      transferSyntaxUid: syntax.uid,
      transferSyntaxName: syntax.name,
      modality: attrs.modality,
      rows: attrs.rows,
      columns: attrs.columns,
      bitsAllocated: attrs.bitsAllocated,
      bitsStored: attrs.bitsStored,
      pixelRepresentation: attrs.pixelRepresentation,
      photometricInterpretation: attrs.photometricInterpretation,
      samplesPerPixel: attrs.samplesPerPixel,
      identifyingAttributes: [...identifyingAttributes],
      hiddenIdentifierRisks: structuredClone(risks),
      window: display.window,
      ...(attrs.voiChoices ? { voiChoices: attrs.voiChoices, voi: attrs.voi } : {}),
      ...(attrs.fileWindows?.length ? { fileWindows: attrs.fileWindows.map((w) => ({ ...w })) } : {}),
      ...(display.lookupTables ? { lookupTables: display.lookupTables } : {}),
      rawPhotometricInterpretation: photometric,
      ...(Object.keys(descriptive).length ? { descriptive: { ...descriptive } } : {}),
    };
    return {
      format: 'dicom',
      image: display.image,
      frames: attrs.frames,
      frame,
      dicom,
      raw: {
        width: attrs.columns,
        height: attrs.rows,
        samplesPerPixel: attrs.samplesPerPixel,
        bitsAllocated: attrs.bitsAllocated,
        signed: attrs.pixelRepresentation === 1,
        // only the stored bits leave the app: unused high bits may hold an overlay
        data: rawData(storedBitsOnly(samples, attrs)),
      },
      ...(modalityTransform ? { modalityTransform } : {}),
    };
  };
  return { attrs, decode };
}

/**
 * A NumberOfFrames that is not a number ("1A" in badVR.dcm) is not trusted at all:
 * the frames are counted from what is really there (whole frames of native data,
 * or one fragment per frame), so no frame is silently dropped or invented.
 */
function countFramesIfMalformed(
  a: ImageAttributes,
  pixelData: Element,
  dataSet: DataSet,
  encoding: PixelEncoding,
): ImageAttributes {
  if (!a.framesMalformed) return a;
  if (encoding === 'native' && !pixelData.encapsulatedPixelData) {
    const available = Math.max(0, Math.min(pixelData.length, dataSet.byteArray.length - pixelData.dataOffset));
    return { ...a, frames: Math.max(1, Math.floor((available * 8) / nativeFrameBits(a))) };
  }
  return { ...a, frames: Math.max(1, pixelData.basicOffsetTable?.length || pixelData.fragments?.length || 1) };
}

const photometricIsGrey = (photometric: string) => photometric.startsWith('MONOCHROME');

function findPixelData(dataSet: DataSet): Element {
  const element = dataSet.elements.x7fe00010;
  if (element) return element;
  if (dataSet.elements.x7fe00008 || dataSet.elements.x7fe00009)
    throw new DecodeError('unsupported pixel data (floating point)');
  throw new DecodeError('no pixel data');
}

interface DecodedFrame {
  samples: SampleArray;
  /** colour model of the samples after decompression */
  photometric: string;
}

async function decodeFrame(
  dataSet: DataSet,
  pixelData: Element,
  syntax: TransferSyntax,
  encoding: PixelEncoding,
  a: ImageAttributes,
  frame: number,
): Promise<DecodedFrame> {
  if (encoding === 'native') {
    if (pixelData.encapsulatedPixelData)
      throw new DecodeError('damaged DICOM file (compressed pixel data under an uncompressed transfer syntax)');
    const available = Math.max(0, Math.min(pixelData.length, dataSet.byteArray.length - pixelData.dataOffset));
    if (available === 0) throw new DecodeError('no pixel data');
    const bytes = new Uint8Array(
      dataSet.byteArray.buffer,
      dataSet.byteArray.byteOffset + pixelData.dataOffset,
      available,
    );
    return readNativeFrame({ bytes, bigEndian: !!syntax.bigEndian, vr: pixelData.vr }, a, frame);
  }
  if (!pixelData.encapsulatedPixelData)
    throw new DecodeError(`damaged DICOM file (uncompressed pixel data under ${syntax.name})`);
  const jpegFamily = encoding === 'jpegBaseline' || encoding === 'jpegExtended' || encoding === 'jpegLossless';
  const encoded = encapsulatedFrame(dataSet, pixelData, frame, a.frames, jpegFamily);
  if (encoding === 'rle') {
    return { samples: decodeRleFrame(encoded, a), photometric: a.photometricInterpretation };
  }
  const output = await decodeCompressed(encoding, encoded, a);
  return {
    samples: samplesFromCodec(output, a),
    photometric: photometricAfterCodec(encoding, a.photometricInterpretation),
  };
}

function decodeCompressed(encoding: PixelEncoding, encoded: Uint8Array, a: ImageAttributes): Promise<CodecOutput> {
  switch (encoding) {
    case 'jpegBaseline':
      if (a.bitsStored > 8) throw new DecodeError('unsupported compression (JPEG Baseline above 8 bits)');
      return decodeJpegBaseline(encoded, a.photometricInterpretation);
    case 'jpegExtended':
      // Process 2 (8-bit) is what libjpeg-turbo does; process 4 (12-bit) needs the hand-written decoder.
      if (jpegSamplePrecision(encoded) === 8) return decodeJpegBaseline(encoded, a.photometricInterpretation);
      return Promise.resolve(decodeJpegExtended12(encoded));
    case 'jpegLossless':
      return decodeJpegLossless(encoded, a.bitsAllocated);
    case 'jpegLs':
      return decodeWithWasmCodec('charls', encoded, 'JPEG-LS');
    case 'jpeg2000':
      return decodeWithWasmCodec('openjpeg', encoded, 'JPEG 2000');
    default:
      throw new DecodeError(`unsupported compression (${encoding})`);
  }
}

/**
 * libjpeg-turbo converts YCbCr to RGB itself, and OpenJPEG undoes the JPEG 2000
 * colour transform (YBR_RCT/ICT); their colour output is RGB whatever the header
 * says. Lossless JPEG and JPEG-LS keep the stored colour model.
 */
function photometricAfterCodec(encoding: PixelEncoding, photometric: string): string {
  if (photometric.startsWith('MONOCHROME') || photometric === 'PALETTE COLOR') return photometric;
  if (encoding === 'jpegBaseline' || encoding === 'jpegExtended' || encoding === 'jpeg2000') return 'RGB';
  return photometric === 'YBR_FULL_422' ? 'YBR_FULL' : photometric;
}

/** raw.data keeps 8/16-bit samples as they are; 32-bit samples travel as their little-endian bytes. */
function rawData(samples: SampleArray): Uint8Array | Uint16Array | Int16Array {
  if (samples instanceof Uint32Array || samples instanceof Int32Array) {
    const out = new Uint8Array(samples.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < samples.length; i++) view.setUint32(4 * i, samples[i] >>> 0, true);
    return out;
  }
  return samples;
}
