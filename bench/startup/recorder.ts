/**
 * What the startup bench reads inside the page (installed with addInitScript before any page script runs):
 * when the first control became usable, when "Diagnose selected scan" was clicked, and when the first
 * diagnosis appeared, each as performance.now() (ms since navigation start) of the animation frame that
 * paints it. It reads the DOM only, so it works on the production build, which has no test hooks.
 */
export interface StartupMarks {
  /** the first built-in sample button, enabled: a user can start here */
  firstControl?: number;
  /** the click on "Diagnose selected scan" */
  diagnoseClick?: number;
  /** the side-by-side result drawn */
  firstDiagnosis?: number;
}

declare global {
  interface Window {
    __startupMarks: StartupMarks;
  }
}

/**
 * The recorder as a script for addInitScript. tsx wraps inner functions in `__name(...)` (esbuild's
 * keepNames), which does not exist in the page: the script defines it as the identity first.
 */
export function startupRecorderScript(): string {
  return `var __name = (f) => f; (${installStartupRecorder.toString()})();`;
}

/** Runs in the page: must be self-contained (serialised as text). */
function installStartupRecorder(): void {
  const marks: StartupMarks = {};
  window.__startupMarks = marks;
  // the frame that shows the change: a mutation is not yet a paint
  const atNextFrame = (name: keyof StartupMarks) =>
    requestAnimationFrame(() => {
      marks[name] ??= performance.now();
    });
  // one observer per wait, disconnected once it has seen its change: the recorder must cost the page nothing
  const watch = (found: () => boolean, name: keyof StartupMarks) => {
    const observer = new MutationObserver(() => {
      if (!found()) return;
      observer.disconnect();
      atNextFrame(name);
    });
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['disabled'] });
  };
  watch(() => {
    const sample = document.querySelector<HTMLButtonElement>('button.sample');
    return sample !== null && !sample.disabled;
  }, 'firstControl');
  document.addEventListener(
    'click',
    (e) => {
      if (marks.diagnoseClick !== undefined) return;
      if (!(e.target as Element | null)?.closest?.('[data-testid="diagnose"]')) return;
      marks.diagnoseClick = performance.now();
      watch(() => document.querySelector('[data-testid="diagnosis-result"]') !== null, 'firstDiagnosis');
    },
    true,
  );
}
