/**
 * Types for the Emscripten build of OpenJPEG shipped by @cornerstonejs/codec-openjpeg
 * (the package has no typings). Only the members the AES package uses are declared.
 */
declare module '@cornerstonejs/codec-openjpeg/wasmjs' {
  export interface OpenJpegFrameInfo {
    width: number;
    height: number;
    bitsPerSample: number;
    componentCount: number;
    isSigned: boolean;
  }
  export interface OpenJpegEncoder {
    getDecodedBuffer(frameInfo: OpenJpegFrameInfo): Uint8Array;
    getEncodedBuffer(): Uint8Array;
    setQuality(lossless: boolean, layers: number): void;
    setCompressionRatio(layer: number, ratio: number): void;
    setDecompositions(levels: number): void;
    encode(): void;
    delete(): void;
  }
  export interface OpenJpegDecoder {
    getEncodedBuffer(length: number): Uint8Array;
    getDecodedBuffer(): Uint8Array;
    decode(): void;
    getFrameInfo(): OpenJpegFrameInfo;
    getIsReversible(): boolean;
    delete(): void;
  }
  export interface OpenJpegModule {
    J2KEncoder: new () => OpenJpegEncoder;
    J2KDecoder: new () => OpenJpegDecoder;
    getVersion(): string;
  }
  export interface OpenJpegModuleOptions {
    locateFile?: (path: string, scriptDirectory: string) => string;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
  }
  const factory: (options?: OpenJpegModuleOptions) => Promise<OpenJpegModule>;
  export default factory;
}
