/**
 * Background warm-up of the chosen model (issue 20): as soon as a scan starts loading, the page
 * starts the inference worker (tfjs, the backend probe) and loads the chosen model's weights,
 * beside the decoding, so that "Diagnose selected scan" finds them ready or on the way. Never
 * before a scan is chosen: a page opened only to read reports or use the hospital server does
 * not fetch tfjs at all, and the first paint never waits on it. A click during the warm-up
 * joins it (actions.ts, loadModel).
 *
 * Must never: retry a model whose warm-up failed on its own (the error is shown; Load model retries).
 */
import { useEffect } from 'react';
import { chosenModel, useDiagnosis } from '../state/diagnosis';
import { useFiles } from '../state/files';
import { loadChosenModel } from './actions';

/** Models whose warm-up was started in this page (each once). */
const warmed = new Set<string>();

export function useModelWarmUp(): void {
  const hasScan = useFiles((s) => s.files.length > 0);
  const name = useDiagnosis((s) => chosenModel(s)?.name);
  // one load at a time: a model chosen while another loads warms up after it
  const idle = useDiagnosis((s) => s.loading === null);
  useEffect(() => {
    if (!hasScan || !name || !idle || warmed.has(name) || useDiagnosis.getState().loaded[name]) return;
    warmed.add(name);
    let started = false;
    // a task later: the frame that shows the new scan is drawn first
    const timer = setTimeout(() => {
      started = true;
      void loadChosenModel();
    }, 0);
    return () => {
      if (started) return; // once started it stays warmed, even if it fails (no retry loop)
      clearTimeout(timer);
      warmed.delete(name);
    };
  }, [hasScan, name, idle]);
}
