import { describe, expect, it } from 'vitest';
import { initialWindow, windowPresets } from './presets';

const range = { min: -1024, max: 3071 };

describe('window presets', () => {
  it('CT: brain, soft tissue, bone, lung in HU, then the file windows and the full range', () => {
    const presets = windowPresets('CT', [{ center: 50, width: 350, label: 'ABDOMEN: window C 50 / W 350' }], range);
    expect(presets.map((p) => [p.id, p.width, p.center])).toEqual([
      ['brain', 80, 40],
      ['soft-tissue', 400, 40],
      ['bone', 1800, 400],
      ['lung', 1500, -600],
      ['file-0', 350, 50],
      ['full-range', 4096, 1024],
    ]);
  });

  it('MR and others: no HU presets, only the file windows and the full range', () => {
    const presets = windowPresets('MR', [{ center: 600, width: 1600, label: 'window C 600 / W 1600' }], range);
    expect(presets.map((p) => p.id)).toEqual(['file-0', 'full-range']);
    expect(windowPresets(undefined, [], range).map((p) => p.id)).toEqual(['full-range']);
  });

  it('opens on the file window, else the full range', () => {
    expect(initialWindow([{ center: 600, width: 1600 }], range)).toEqual({ center: 600, width: 1600 });
    expect(initialWindow([], range)).toEqual({ center: 1024, width: 4096 });
  });
});
