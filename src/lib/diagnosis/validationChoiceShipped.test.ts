/**
 * The shipped brain cards (no cross-validation) make the page open brain MRI on the network
 * with more right answers on the validation split both name, and the picker's line quotes the
 * figures the cards hold (docs/measurements.md "The brain default"). Skipped without the models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetDefault, discoverModels } from './registry';

const PUBLIC = 'public';
const fromDisk = async (url: string) => {
  const path = join(PUBLIC, new URL(url).pathname);
  const ok = existsSync(path);
  return { ok, status: ok ? 200 : 404, text: async () => (ok ? readFileSync(path, 'utf8') : '') };
};
const shipped = ['vit', 'cnn'].every((a) => existsSync(join(PUBLIC, 'models', `${a}-brain-mri`, 'model-card.json')));

describe('shipped brain cards: the default is chosen on their validation split', () => {
  it.skipIf(!shipped)('the network with more right answers, its figures quoted from the cards', async () => {
    const models = (await discoverModels('http://localhost/', fromDisk)).filter((m) => m.dataset === 'brain-mri');
    expect(models.every((m) => !m.crossValidation)).toBe(true); // otherwise cross-validation decides
    const [vit, cnn] = ['vit', 'cnn'].map((a) => models.find((m) => m.architecture === a)!);
    const d = datasetDefault(models, 'brain-mri');
    const better = vit.validation!.accuracy.k > cnn.validation!.accuracy.k ? vit : cnn;
    expect(d?.entry.name).toBe(better.name);
    expect(vit.validation!.accuracy.n).toBe(cnn.validation!.accuracy.n);
    const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
    expect(d?.why).toContain(`${pct(better.validation!.accuracy.rate)} vs`);
    expect(d?.why).toContain(`gives a class to ${pct(better.validation!.answered)} of them`);
  });
});
