/**
 * Decides whether an 8-bit colour JPEG stream holds YCbCr (convert to RGB) or RGB
 * stored as is. libjpeg-turbo guesses from the JFIF/Adobe markers and component
 * ids; DICOM adds one rule of its own: with Photometric Interpretation RGB and no
 * marker or JFIF-style ids saying otherwise, the components are R, G, B. Reads
 * markers only, never entropy-coded data.
 */
export interface JpegColourMarkers {
  jfif: boolean;
  /** transform flag of the Adobe APP14 marker: 0 none (RGB), 1 YCbCr; undefined when absent */
  adobeTransform?: number;
  componentIds: number[];
}

export function readJpegColourMarkers(jpeg: Uint8Array): JpegColourMarkers {
  const found: JpegColourMarkers = { jfif: false, componentIds: [] };
  let pos = 2; // after SOI
  while (pos + 4 <= jpeg.length) {
    if (jpeg[pos] !== 0xff) break;
    const marker = jpeg[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    const length = (jpeg[pos + 2] << 8) | jpeg[pos + 3];
    const body = pos + 4;
    if (
      marker === 0xe0 &&
      jpeg[body] === 0x4a &&
      jpeg[body + 1] === 0x46 &&
      jpeg[body + 2] === 0x49 &&
      jpeg[body + 3] === 0x46
    )
      found.jfif = true;
    // An Adobe segment too short to hold its transform byte (length < 14, seen in SC_rgb_jpeg.dcm) says nothing.
    if (
      marker === 0xee &&
      length >= 14 &&
      jpeg[body] === 0x41 &&
      jpeg[body + 1] === 0x64 &&
      jpeg[body + 2] === 0x6f &&
      jpeg[body + 3] === 0x62 &&
      jpeg[body + 4] === 0x65
    ) {
      found.adobeTransform = jpeg[body + 11];
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const components = jpeg[body + 5];
      for (let c = 0; c < components; c++) found.componentIds.push(jpeg[body + 6 + 3 * c]);
    }
    if (marker === 0xda) break; // start of scan: no more header markers
    pos += 2 + length;
  }
  return found;
}

/** true when the stream's three components are R, G, B and must not be colour-converted. */
export function jpegHoldsRgb(markers: JpegColourMarkers, photometric: string): boolean {
  if (markers.componentIds.length !== 3) return false;
  if (markers.adobeTransform !== undefined) return markers.adobeTransform === 0;
  if (markers.jfif) return false;
  const [a, b, c] = markers.componentIds;
  if (a === 0x52 && b === 0x47 && c === 0x42) return true; // 'R','G','B'
  // Ids 1,2,3 are the JFIF convention for Y, Cb, Cr: encoders (GDCM) use them for YCbCr
  // streams even under an "RGB" header (SC_rgb_jpeg_lossy_gdcm). Other ids (0,1,2) follow the header.
  if (a === 1 && b === 2 && c === 3) return false;
  return photometric === 'RGB';
}
