/**
 * Presenter mode (issue 20, "present cleanly"): for showing the page to a room. It folds the
 * internals away (probe and inference times, logit differences, adaptation time against its
 * target, raw report keys), sets larger type, and writes each privacy metric's meaning and
 * verdict on screen (presenter.css says what is hidden; MetricsList writes the meanings).
 * Kept like the theme: in localStorage, which holds no patient, key or scan; applied as
 * data-presenter on <html> before the first render, so a reload does not flash the internals.
 */
export const PRESENTER_STORAGE_KEY = 'cipherscan.presenter';

/** The remembered choice; off when none was made or storage is unavailable. */
export function storedPresenter(): boolean {
  try {
    return localStorage.getItem(PRESENTER_STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}

/** Shows the page in presenter mode (or not) now, and remembers it for the next visit. */
export function applyPresenter(on: boolean, remember = true): void {
  if (on) document.documentElement.dataset.presenter = 'on';
  else delete document.documentElement.dataset.presenter;
  if (!remember) return;
  try {
    localStorage.setItem(PRESENTER_STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // storage refused (private mode, quota): the mode still applies to this visit
  }
}
