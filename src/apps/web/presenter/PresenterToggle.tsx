/** The presenter-mode switch in the header, beside the theme toggle: a toggle button (aria-pressed). */
import { useState } from 'react';
import { applyPresenter, storedPresenter } from './presenterMode';
import './presenter.css';

export function PresenterToggle() {
  const [on, setOn] = useState(storedPresenter);
  return (
    <button
      type="button"
      className="presenter-toggle"
      data-testid="presenter-toggle"
      aria-pressed={on}
      title="Larger type, the meaning of each privacy score on screen, internals folded away"
      onClick={() => {
        applyPresenter(!on);
        setOn(!on);
      }}
    >
      Presenter mode
    </button>
  );
}
