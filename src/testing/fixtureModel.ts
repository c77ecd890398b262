/**
 * Small stand-in models with random (non-zero) weights for tests and for the
 * benchmark when no trained model is on disk: the real architecture and the real
 * weights-file format, so loading, adaptation and inference are exercised for
 * real. Their predictions mean nothing medically; nothing here is shown to a user
 * as a diagnosis.
 */
import { initCnn } from '../lib/models/cnn';
import { defaultCnnConfig, defaultVitConfig, type ModelConfig } from '../lib/models/config';
import { ModelRandom, truncNormal, type HostWeights } from '../lib/models/init';
import { initVit } from '../lib/models/vit';
import { serializeModel, type ModelManifest } from '../lib/models/weightsFile';

export const FIXTURE_CLASSES = ['glioma', 'meningioma', 'notumor', 'pituitary'];

export function fixtureConfig(
  architecture: 'vit' | 'cnn',
  options: { depth?: number; classes?: string[] } = {},
): ModelConfig {
  const classes = options.classes ?? FIXTURE_CLASSES;
  const base = architecture === 'vit' ? defaultVitConfig(classes) : defaultCnnConfig(classes);
  return { ...base, depth: options.depth ?? base.depth };
}

/** Initialised weights, then every non-gain tensor redrawn so logits differ between images (init zeroes the head). */
export function fixtureWeights(config: ModelConfig, seed: number): HostWeights {
  const host = config.architecture === 'vit' ? initVit(config, seed) : initCnn(config, seed);
  const rng = new ModelRandom(seed + 1);
  const out: HostWeights = {};
  for (const [name, t] of Object.entries(host))
    out[name] = name.endsWith('.g') ? t : truncNormal(rng, t.shape, name === 'patch.w' ? 0.02 : 0.1);
  return out;
}

/**
 * A fixture model as the files a model folder holds: model.json text and weights.bin bytes;
 * `temperature` adds a (made-up) calibration block with that temperature.
 */
export function fixtureModelFiles(
  architecture: 'vit' | 'cnn',
  seed = 7,
  options: { depth?: number; classes?: string[]; temperature?: number } = {},
): { manifest: ModelManifest; manifestText: string; weights: Uint8Array } {
  const config = fixtureConfig(architecture, options);
  const serialized = serializeModel(config, fixtureWeights(config, seed), 'float16');
  const manifest: ModelManifest =
    options.temperature === undefined
      ? serialized.manifest
      : { ...serialized.manifest, calibration: { temperature: options.temperature, fittedOn: 'fixture', n: 1 } };
  return { manifest, manifestText: JSON.stringify(manifest), weights: serialized.bytes };
}
