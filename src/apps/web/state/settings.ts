/**
 * Settings store: how the user wants to see and attack things — attack choice
 * and parameters, the linked zoom/pan of the three views, the split view pair
 * and position, and whether to try WebGPU. In memory only.
 */
import { create } from 'zustand';
import type { AttackKind } from './results';

export type ViewName = 'original' | 'encrypted' | 'attacked';

export interface AttackParams {
  bit: number;
  fraction: number;
  mu: number;
  sigma: number;
  /** id of the file used as the known plain/encrypted pair (known-plaintext) */
  knownPairFileId: string | null;
}

export interface ViewTransform {
  zoom: number;
  /** pan in CSS pixels of the view box, shared by all views */
  x: number;
  y: number;
}

interface SettingsState {
  attackKind: AttackKind;
  attackParams: AttackParams;
  view: ViewTransform;
  split: { left: ViewName; right: ViewName; position: number };
  preferGpu: boolean;
  setAttackKind(kind: AttackKind): void;
  setAttackParams(patch: Partial<AttackParams>): void;
  setView(view: ViewTransform): void;
  resetView(): void;
  setSplit(patch: Partial<SettingsState['split']>): void;
  setPreferGpu(preferGpu: boolean): void;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 16;

export const useSettings = create<SettingsState>()((set) => ({
  attackKind: 'leading-bit',
  attackParams: { bit: 7, fraction: 0.1, mu: 0, sigma: 20, knownPairFileId: null },
  view: { zoom: 1, x: 0, y: 0 },
  split: { left: 'original', right: 'encrypted', position: 50 },
  preferGpu: true,
  setAttackKind(attackKind) {
    set({ attackKind });
  },
  setAttackParams(patch) {
    set((s) => ({ attackParams: { ...s.attackParams, ...patch } }));
  },
  setView(view) {
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, view.zoom));
    set({ view: { ...view, zoom } });
  },
  resetView() {
    set({ view: { zoom: 1, x: 0, y: 0 } });
  },
  setSplit(patch) {
    set((s) => ({
      split: { ...s.split, ...patch, position: Math.min(100, Math.max(0, patch.position ?? s.split.position)) },
    }));
  },
  setPreferGpu(preferGpu) {
    set({ preferGpu });
  },
}));
