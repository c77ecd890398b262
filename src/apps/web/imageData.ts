/** RgbImage -> ImageData for a canvas (opaque alpha). */
import { rgbToRgba, type RgbImage } from '../../lib/image/rgb';

export function toImageData(image: RgbImage): ImageData {
  const out = new ImageData(image.width, image.height);
  out.data.set(rgbToRgba(image));
  return out;
}
