/** Which compute path ran the encryption (WebGPU with its adapter, or the CPU) and how long each step took. */
import { useResults, type StepName } from '../state/results';
import { useDiagnosis } from '../state/diagnosis';
import { loadingSentence } from '../diagnosis/loadingSentence';

const ORDER: StepName[] = ['decode', 'derive key', 'encrypt', 'metrics', 'attack', 'pack', 'unpack'];

export function StatusBar() {
  const path = useResults((s) => s.computePath);
  const timings = useResults((s) => s.timings);
  const busy = useResults((s) => s.busy);
  const modelLoading = useDiagnosis((s) => s.loading);
  return (
    // focusable: on a phone the bar is one line that scrolls sideways, and the keyboard must reach that too
    <footer className="status-bar" data-testid="status-bar" aria-live="polite" aria-label="Status" tabIndex={0}>
      <span data-testid="compute-path" data-path={path?.path ?? ''}>
        {path
          ? path.path === 'webgpu'
            ? `WebGPU: ${path.detail}`
            : `CPU: ${path.detail}`
          : 'Compute path: chosen at the first encryption'}
      </span>
      {busy && (
        <span className="busy" role="status" data-testid="busy">
          <span className="spinner" aria-hidden="true" /> {busy}…
        </span>
      )}
      {modelLoading && (
        <span className="busy" data-testid="status-model-loading">
          <span className="spinner" aria-hidden="true" /> {loadingSentence(modelLoading, false)}
        </span>
      )}
      {ORDER.filter((s) => timings[s] !== undefined).map((s) => (
        <span key={s} className="timing" data-testid={`timing-${s.replace(' ', '-')}`}>
          {s} {timings[s]!.toFixed(timings[s]! < 10 ? 1 : 0)} ms
        </span>
      ))}
    </footer>
  );
}
