/**
 * Synthetic brain phantom: a deterministic, made-up axial "MRI slice" (skull,
 * grey and white matter, ventricles, optional lesion) so the app has built-in
 * samples without shipping any real patient image.
 *
 * Must never: read real data, or depend on Math.random / the clock — the same
 * parameters always give the same bytes (the e2e test and the CLI rely on it).
 */
import { seededUniform } from '../random/seededRandom';
import { grayToRgb, type RgbImage } from '../image/rgb';

export interface PhantomParams {
  /** seed of the texture noise and the small anatomical variations */
  seed: number;
  /** side in pixels (default 256) */
  size?: number;
  /** a bright round lesion in the right hemisphere, with this radius relative to the head (0 = none) */
  lesion?: number;
  /** ventricle enlargement, 1 = normal */
  ventricleScale?: number;
  /** invert grey/white contrast (T2-like look instead of T1-like) */
  t2?: boolean;
}

/** inside test for an ellipse centred (cx, cy) with radii (rx, ry), rotated by `angle` radians; returns the normalised radius */
function ellipseRadius(x: number, y: number, cx: number, cy: number, rx: number, ry: number, angle = 0): number {
  const dx = x - cx;
  const dy = y - cy;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const u = (dx * c + dy * s) / rx;
  const v = (-dx * s + dy * c) / ry;
  return Math.sqrt(u * u + v * v);
}

/** Grey levels of each tissue for a T1-like look; T2 swaps grey/white and brightens fluid. */
function tissueLevels(t2: boolean) {
  return t2
    ? { background: 4, skull: 70, fat: 150, csf: 225, grey: 150, white: 105, lesion: 250 }
    : { background: 4, skull: 40, fat: 235, csf: 35, grey: 120, white: 175, lesion: 245 };
}

/** 8-bit grayscale phantom, row-major, size x size. */
export function brainPhantomGray(params: PhantomParams): Uint8Array {
  const size = params.size ?? 256;
  const rand = seededUniform(params.seed);
  const level = tissueLevels(params.t2 ?? false);
  const vScale = params.ventricleScale ?? 1;
  // small per-seed anatomical variation so each sample looks like a different head
  const jitter = () => (rand() - 0.5) * 0.04;
  const headRx = size * (0.36 + jitter());
  const headRy = size * (0.44 + jitter());
  const cx = size / 2;
  const cy = size / 2;
  const tilt = (rand() - 0.5) * 0.12;
  const lesionAngle = rand() * Math.PI * 0.6 - Math.PI * 0.3;
  const lesionR = (params.lesion ?? 0) * headRx;
  const lesionX = cx + Math.cos(lesionAngle) * headRx * 0.45;
  const lesionY = cy + Math.sin(lesionAngle) * headRy * 0.35;
  const gyri = 6 + Math.floor(rand() * 4);
  const gyriPhase = rand() * Math.PI * 2;

  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const head = ellipseRadius(x, y, cx, cy, headRx, headRy, tilt);
      let v = level.background;
      if (head <= 1) {
        const theta = Math.atan2(y - cy, x - cx);
        // folded cortex: the grey/white boundary wobbles with angle
        const fold = 0.05 * Math.sin(gyri * theta + gyriPhase) + 0.02 * Math.sin(3 * gyri * theta);
        if (head > 0.93)
          v = level.fat; // scalp
        else if (head > 0.86)
          v = level.skull; // bone
        else if (head > 0.82)
          v = level.csf; // subarachnoid space
        else if (head > 0.66 + fold)
          v = level.grey; // cortex
        else v = level.white;
        // lateral ventricles: two tilted ellipses either side of the midline
        const vl = ellipseRadius(
          x,
          y,
          cx - size * 0.045 * vScale,
          cy - size * 0.03,
          size * 0.03 * vScale,
          size * 0.11 * vScale,
          tilt + 0.25,
        );
        const vr = ellipseRadius(
          x,
          y,
          cx + size * 0.045 * vScale,
          cy - size * 0.03,
          size * 0.03 * vScale,
          size * 0.11 * vScale,
          tilt - 0.25,
        );
        if (vl <= 1 || vr <= 1) v = level.csf;
        // deep grey nuclei (thalami) below the ventricles
        const th = Math.min(
          ellipseRadius(x, y, cx - size * 0.06, cy + size * 0.09, size * 0.045, size * 0.035, tilt),
          ellipseRadius(x, y, cx + size * 0.06, cy + size * 0.09, size * 0.045, size * 0.035, tilt),
        );
        if (th <= 1 && head < 0.6) v = level.grey;
        // falx / interhemispheric fissure
        if (Math.abs(x - cx - (y - cy) * Math.tan(tilt)) < 0.8 && head > 0.5 && head <= 0.82) v = level.csf;
        if (lesionR > 0 && Math.hypot(x - lesionX, y - lesionY) <= lesionR) v = level.lesion;
      }
      // Rician-like texture: small noise everywhere, a little more inside the head
      const noise = (rand() + rand() + rand() - 1.5) * (head <= 1 ? 10 : 3);
      out[y * size + x] = Math.max(0, Math.min(255, Math.round(v + noise)));
    }
  }
  return out;
}

export function brainPhantom(params: PhantomParams): RgbImage {
  const size = params.size ?? 256;
  return grayToRgb(size, size, brainPhantomGray(params));
}
