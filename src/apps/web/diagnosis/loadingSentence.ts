/**
 * What the page says while a model loads (the diagnosis panel and the status bar): which part is
 * loading. The status bar is a live region, so it gets the sentence without the percentage (one
 * announcement per stage, not one per percent).
 */
import type { ModelLoading } from '../state/diagnosis';

export function loadingSentence(loading: ModelLoading, withPercent = true): string {
  if (loading.stage === 'engine')
    return `Starting the inference engine (tfjs, choosing a backend) for ${loading.name}…`;
  return withPercent
    ? `Loading the model ${loading.name}: ${Math.round(loading.fraction * 100)} %…`
    : `Loading the model ${loading.name}…`;
}
