/**
 * Split view (after Squoosh's TwoUp): two views stacked in one cell; the right
 * one is clipped by `clip-path` driven by the CSS variable --split, so the line
 * moves without re-rendering the canvases. The clip sits on a wrapper that is
 * never zoomed or panned: on the canvas itself it would be scaled and moved with
 * the image, and the boundary would drift away from the handle. The handle is a
 * slider: drag it, or focus it and use the arrow keys (Shift for bigger steps,
 * Home/End for the ends); its keys move the handle only, never the image.
 */
import { useRef, type CSSProperties, type KeyboardEvent, type PointerEvent } from 'react';
import { useSettings, type ViewName } from '../state/settings';
import { usePanZoom } from '../usePanZoom';
import { ImageCanvas } from './ImageCanvas';
import { canvasLabel } from './canvasLabel';
import { selectedFile, useFiles } from '../state/files';
import { useViewImages } from './ViewGrid';

const NAMES: ViewName[] = ['original', 'encrypted', 'attacked'];
// what a side shows while its view has no image: without it, the other view filled the whole frame and
// "original | encrypted" showed the original twice before encryption
const EMPTY: Record<ViewName, string> = {
  original: 'no scan loaded',
  encrypted: 'not encrypted yet',
  attacked: 'no attack run yet',
};

function EmptySide({ side, view }: { side: 'left' | 'right'; view: ViewName }) {
  return (
    <p className={`two-up-empty two-up-empty-${side}`} data-testid={`split-empty-${side}`}>
      {view}: {EMPTY[view]}
    </p>
  );
}

function ViewSelect({
  value,
  onChange,
  label,
  testId,
}: {
  value: ViewName;
  onChange: (v: ViewName) => void;
  label: string;
  testId: string;
}) {
  return (
    <label>
      {label}{' '}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as ViewName)}>
        {NAMES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

export function SplitView() {
  const split = useSettings((s) => s.split);
  const setSplit = useSettings((s) => s.setSplit);
  const images = useViewImages();
  const file = useFiles(selectedFile);
  const cell = useRef<HTMLDivElement>(null);
  const left = images[split.left];
  const right = images[split.right];
  usePanZoom(cell, left !== undefined || right !== undefined);

  const fromPointer = (e: PointerEvent) => {
    const rect = cell.current!.getBoundingClientRect();
    setSplit({ position: ((e.clientX - rect.left) / rect.width) * 100 });
  };
  const onKey = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 10 : 2;
    const moves: Record<string, number> = { ArrowLeft: -step, ArrowDown: -step, ArrowRight: step, ArrowUp: step };
    if (e.key in moves) setSplit({ position: split.position + moves[e.key] });
    else if (e.key === 'Home') setSplit({ position: 0 });
    else if (e.key === 'End') setSplit({ position: 100 });
    else return;
    e.preventDefault();
  };

  return (
    <section className="panel" aria-labelledby="split-title">
      <div className="panel-head">
        <h2 id="split-title">Split view</h2>
        <ViewSelect label="Left" value={split.left} onChange={(v) => setSplit({ left: v })} testId="split-left" />
        <ViewSelect label="Right" value={split.right} onChange={(v) => setSplit({ right: v })} testId="split-right" />
      </div>
      <div
        className="two-up"
        ref={cell}
        style={{ '--split': `${split.position}%` } as CSSProperties}
        data-testid="split-view"
      >
        {left ? (
          <ImageCanvas
            image={left}
            label={`${canvasLabel(split.left, file)}, left of the line`}
            className="two-up-left"
          />
        ) : (
          <EmptySide side="left" view={split.left} />
        )}
        {right ? (
          <div className="two-up-right">
            <ImageCanvas image={right} label={`${canvasLabel(split.right, file)}, right of the line`} />
          </div>
        ) : (
          <EmptySide side="right" view={split.right} />
        )}
        <div
          className="two-up-handle"
          role="slider"
          tabIndex={0}
          aria-label={`Split between ${split.left} and ${split.right}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(split.position)}
          aria-valuetext={`${Math.round(split.position)}% ${split.left}`}
          data-testid="split-handle"
          onKeyDown={onKey}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            fromPointer(e);
          }}
          onPointerMove={(e) => {
            if (e.currentTarget.hasPointerCapture(e.pointerId)) fromPointer(e);
          }}
        />
      </div>
    </section>
  );
}
