/**
 * The windows a viewer offers for one frame: the usual CT windows in Hounsfield
 * units where the modality is CT (values a radiologist expects: brain 80/40, soft
 * tissue 400/40, bone 1800/400, lung 1500/-600), the file's own windows, and the
 * frame's full range. Pure data: no DOM.
 */
import type { GreyFrame } from './greyFrame';
import { fullRangeWindow, type Window } from './windowLevel';

export interface WindowPreset extends Window {
  id: string;
  label: string;
}

/** CT windows (width / level in HU). */
export const CT_PRESETS: readonly WindowPreset[] = [
  { id: 'brain', label: 'Brain', width: 80, center: 40 },
  { id: 'soft-tissue', label: 'Soft tissue', width: 400, center: 40 },
  { id: 'bone', label: 'Bone', width: 1800, center: 400 },
  { id: 'lung', label: 'Lung', width: 1500, center: -600 },
];

export function windowPresets(
  modality: string | undefined,
  fileWindows: ReadonlyArray<{ center: number; width: number; label: string }>,
  frame: Pick<GreyFrame, 'min' | 'max'>,
): WindowPreset[] {
  return [
    ...(modality === 'CT' ? CT_PRESETS : []),
    ...fileWindows.map((w, i) => ({ id: `file-${i}`, label: `File: ${w.label}`, center: w.center, width: w.width })),
    { id: 'full-range', label: 'Full range', ...fullRangeWindow(frame) },
  ];
}

/**
 * The window a frame opens with, the one Reset returns to: the file's first window,
 * else the full range (as the decoder's default, so the viewer first looks like the model input's source).
 */
export function initialWindow(
  fileWindows: ReadonlyArray<{ center: number; width: number }>,
  frame: Pick<GreyFrame, 'min' | 'max'>,
): Window {
  const first = fileWindows[0];
  return first ? { center: first.center, width: first.width } : fullRangeWindow(frame);
}
