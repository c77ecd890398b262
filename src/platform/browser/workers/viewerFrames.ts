/**
 * The original viewer's frames, decoded one at a time in the pipeline worker: the
 * file is parsed once when the viewer opens it and kept (one file at a time), and
 * each call decodes only the frame asked for, so a 1000-frame file never sits
 * decoded in memory. Grey frames go back as modality values (lib/viewing), colour
 * frames as display pixels.
 *
 * Must never: keep more than the one open file, or hand back anything but pixels.
 */
import { openImageFrames, type ImageFrames } from '../../../lib/decode';
import type { RgbImage } from '../../../lib/image/rgb';
import { greyFrameOf, type GreyFrame } from '../../../lib/viewing/greyFrame';

export interface ViewerFrame {
  /** the token the page opened the file under */
  token: string;
  frame: number;
  frames: number;
  /** grey images: values to window */
  grey?: GreyFrame;
  /** colour images: the decoder's display pixels (no window) */
  image?: RgbImage;
}

let open: { token: string; frames: ImageFrames } | undefined;

/**
 * What the page asks for: frame `frame` of the file opened under `token`; `file` (re)opens it and must be
 * given when the worker does not hold that token (it answers null then: a fresh worker, or another file
 * opened since). One object, so its bytes can be transferred.
 */
export interface ViewerFrameRequest {
  token: string;
  frame: number;
  file?: { bytes: Uint8Array; name: string };
}

export async function viewerFrame({ token, frame, file }: ViewerFrameRequest): Promise<ViewerFrame | null> {
  if (file) open = { token, frames: await openImageFrames(file.bytes, file.name) };
  if (!open || open.token !== token) return null;
  const decoded = await open.frames.decode(frame);
  const grey = greyFrameOf(decoded);
  return grey
    ? { token, frame, frames: open.frames.frames, grey }
    : { token, frame, frames: open.frames.frames, image: ownCopy(decoded.format, decoded.image) };
}

/** PNG and JPEG hand out the one image they hold for every call: a copy travels, so it can be transferred. */
function ownCopy(format: string, image: RgbImage): RgbImage {
  return format === 'dicom' ? image : { ...image, data: image.data.slice() };
}

/** Pixel buffers to transfer rather than copy. */
export function viewerFrameBuffers(f: ViewerFrame): ArrayBuffer[] {
  const buffer = f.grey ? f.grey.values.buffer : f.image?.data.buffer;
  return buffer instanceof ArrayBuffer ? [buffer] : [];
}
