/**
 * The original viewer's state: which file and frame it shows, the frame's pixels,
 * the window for looking, zoom and pan, the drag tool and cine. Its own store,
 * apart from the files and results: nothing here feeds the model input or the
 * encryption (window/level and frame are for looking only).
 *
 * Must never: persist anything, or hold more than the one frame shown.
 */
import { create } from 'zustand';
import type { ViewerFrame } from '../../../platform/browser/workers/pipeline.worker';
import type { Window } from '../../../lib/viewing/windowLevel';

export type DragTool = 'window' | 'pan';

export interface ViewerState {
  /** the file the viewer shows (the selected scan) */
  fileId: string | null;
  /** the frame asked for; `shown.frame` is the one on screen */
  frame: number;
  frames: number;
  shown?: ViewerFrame;
  loading: boolean;
  error?: string;
  /** grey images: the window on screen, and the one Reset returns to */
  window?: Window;
  initialWindow?: Window;
  /** screen pixels per image pixel; null = fit the box */
  zoom: number | null;
  /** offset of the image centre from the box centre, in screen pixels */
  pan: { x: number; y: number };
  tool: DragTool;
  playing: boolean;
  fps: number;
  set(patch: Partial<ViewerState>): void;
}

export const useViewer = create<ViewerState>()((set) => ({
  fileId: null,
  frame: 0,
  frames: 1,
  loading: false,
  zoom: null,
  pan: { x: 0, y: 0 },
  tool: 'window',
  playing: false,
  fps: 10,
  set: (patch) => set(patch),
}));
