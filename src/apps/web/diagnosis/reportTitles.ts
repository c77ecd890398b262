/**
 * Titles for people in the report view (issue 20): "ViT · Brain MRI — evaluation"
 * rather than "docs/reports/vit-brain-mri.json", and "Testing › encrypted images"
 * rather than "test › encrypted". The file stays in small print beside the title
 * so a reader can find the JSON. Pure; unknown names pass through unchanged.
 */
import { ARCHITECTURE_LABELS, DATASET_LABELS } from '../../../lib/diagnosis/registry';

/** "vit-brain-mri" → "ViT · Brain MRI"; anything else unchanged. */
export function modelTitle(name: string): string {
  const m = /^(vit|cnn)-(.+)$/.exec(name);
  if (!m) return DATASET_LABELS[name as keyof typeof DATASET_LABELS] ?? name;
  const dataset = DATASET_LABELS[m[2] as keyof typeof DATASET_LABELS];
  return dataset ? `${ARCHITECTURE_LABELS[m[1] as 'vit' | 'cnn']} · ${dataset}` : name;
}

const FILE_KINDS: Array<[RegExp, (rest: string) => string]> = [
  [/^selective-(.+)$/, (r) => `Selective diagnosis — ${modelTitle(r)}`],
  [/^poisoning-(.+)$/, (r) => `Training-time poisoning — ${modelTitle(r)}`],
  [/^inversion$/, () => 'Model-inversion attacks'],
  [/^((vit|cnn)-.+)$/, (r) => `Evaluation — ${modelTitle(r)}`],
];

/** A report source's title: a model card or a committed report file. */
export function sourceTitle(name: string): string {
  const card = /^(.+) \(model card\)$/.exec(name);
  if (card) return `${modelTitle(card[1])} — model card`;
  const file = /^docs\/reports\/(.+)\.json$/.exec(name);
  if (!file) return name;
  for (const [pattern, title] of FILE_KINDS) {
    const m = pattern.exec(file[1]);
    if (m) return title(m[1] ?? '');
  }
  return file[1];
}

const SEGMENTS: Record<string, string> = {
  test: 'Testing',
  testing: 'Testing',
  validation: 'validation',
  plain: 'plain images',
  encrypted: 'encrypted images, key-adapted model',
  unadaptedOnEncrypted: 'encrypted images, unadapted model',
  aesCiphertext: 'AES ciphertext shown as an image',
  candidates: '',
  selective: 'selective diagnosis',
  training: 'training',
  history: 'history',
  attacks: 'test-time attacks',
  summaries: 'attacks',
};

/** A block's title from its path "vit-brain-mri › test › plain": the first part as a model title, the rest in words. */
export function blockTitle(path: string): string {
  const [first, ...rest] = path.split(' › ');
  const words = rest.map((s) => SEGMENTS[s] ?? modelTitle(s)).filter(Boolean);
  return [modelTitle(first.replace(/\.json$/, '')), ...words].join(' › ');
}

const FIGURES: Record<string, string> = {
  agreementWithPlain: 'same answer as plain',
  maxAbsLogitDiff: 'largest logit difference from plain',
  msPerImage: 'ms per image (batches)',
  msSingleImage: 'ms for one image',
  adaptMs: 'ms to adapt to the key',
  ece: 'calibration error (ECE)',
  eceUncalibrated: 'ECE before calibration',
  temperature: 'temperature',
};

/** A report figure's key in words ("maxAbsLogitDiff" → "largest logit difference from plain"); camelCase split otherwise. */
export function figureLabel(key: string): string {
  return FIGURES[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
