/**
 * Entry point of the page: mounts the app and installs the read-only test hooks.
 * Must never: log anything about keys or pixels (nothing here logs at all).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { installTestHooks } from './ui/testHooks';
import './ui/styles.css';

installTestHooks();
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
