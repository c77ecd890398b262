/** "Use WebGPU when available": off forces the CPU reference, e.g. to compare timings in a demo. Same bytes either way. */
import { useSettings } from '../state/settings';

export function GpuToggle() {
  const preferGpu = useSettings((s) => s.preferGpu);
  const setPreferGpu = useSettings((s) => s.setPreferGpu);
  return (
    <label className="gpu-toggle" title="Both paths give the same encrypted bytes; the status bar shows which one ran">
      <input
        type="checkbox"
        data-testid="prefer-gpu"
        checked={preferGpu}
        onChange={(e) => setPreferGpu(e.target.checked)}
      />{' '}
      Use WebGPU when available
    </label>
  );
}
