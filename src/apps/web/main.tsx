/**
 * Entry point of the page: mounts the app, and in the e2e build only (`vite build
 * --mode e2e`, vite.config.ts) installs the read-only test hooks. The mode is
 * replaced by a constant at build time, so in the production build the condition is
 * false and the bundler drops the hooks module altogether: they hand out plain
 * pixels, and any automated browser sets navigator.webdriver.
 * Must never: log anything about keys or pixels (nothing here logs at all).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTestHooks } from './testHooks';
import { applyTheme, storedTheme } from './theme';
import { applyPresenter, storedPresenter } from './presenter/presenterMode';
import './styles.css';

if (import.meta.env.MODE === 'e2e') installTestHooks();
// before the first render, so a remembered light theme does not start dark, nor presenter mode with internals
applyTheme(storedTheme(), false);
applyPresenter(storedPresenter(), false);
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
