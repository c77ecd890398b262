/**
 * The page's colour theme: dark by default (scans are read on dark surroundings, as in
 * radiology viewers), light on request for bright rooms and projectors. The choice is kept
 * in localStorage: it says nothing about a patient, a key or a scan. Applied as
 * data-theme on <html>, which styles.css keys its light palette on.
 */
export type Theme = 'dark' | 'light';

export const THEME_STORAGE_KEY = 'cipherscan.theme';

/** The remembered theme; dark when none was chosen or storage is unavailable. */
export function storedTheme(): Theme {
  try {
    return localStorage.getItem(THEME_STORAGE_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

/** Shows `theme` now and remembers it for the next visit. */
export function applyTheme(theme: Theme, remember = true): void {
  document.documentElement.dataset.theme = theme;
  if (!remember) return;
  try {
    localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // storage refused (private mode, quota): the theme still applies to this visit
  }
}
