// Type declarations for the codec packages, which ship none. Only what the decoders call.
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: unknown;
  export default factory;
}
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: unknown;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: unknown;
  export default factory;
}
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    constructor();
    decode(buffer: ArrayBuffer, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
    numComp: number;
    xDim: number;
    yDim: number;
  }
}
