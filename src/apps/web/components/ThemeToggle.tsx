/** The light-theme switch in the header: a toggle button (aria-pressed), dark being the default. */
import { useState } from 'react';
import { applyTheme, storedTheme } from '../theme';

export function ThemeToggle() {
  const [theme, setTheme] = useState(storedTheme);
  const light = theme === 'light';
  return (
    <button
      type="button"
      className="theme-toggle"
      data-testid="theme-toggle"
      aria-pressed={light}
      onClick={() => {
        const next = light ? 'dark' : 'light';
        applyTheme(next);
        setTheme(next);
      }}
    >
      Light theme
    </button>
  );
}
