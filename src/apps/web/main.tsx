/**
 * Entry point of the page: mounts the app, and installs the read-only test hooks,
 * which exist only in a browser driven by automation (navigator.webdriver:
 * Playwright sets it); anywhere else they would be a one-call way to pull plain
 * pixels out of the page.
 * Must never: log anything about keys or pixels (nothing here logs at all).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTestHooks } from './testHooks';
import './styles.css';

installTestHooks();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
