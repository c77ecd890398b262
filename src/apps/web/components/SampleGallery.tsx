/**
 * The built-in samples: synthetic brain phantoms, each tile labelled "synthetic".
 *
 * The tiles are buttons from the first paint; their thumbnails are drawn afterwards, one per
 * task, so the page's first usable control does not wait on them (issue 20: drawing them in
 * the first render through canvas.toDataURL held the first paint for ~0.8 s in Chromium).
 * They are PNGs encoded here (fast-png), not canvas read-backs, which are slow on a software GPU.
 */
import { useEffect, useState } from 'react';
import { encodeRgbPng } from '../../../lib/image/png';
import { brainPhantom } from '../../../lib/samples/phantom';
import { SAMPLES } from '../../../lib/samples/gallery';
import { loadSample } from '../actions/loadFiles';

const THUMB = 48;

function thumbnailUrl(params: (typeof SAMPLES)[number]['params']): string {
  const png = encodeRgbPng(brainPhantom({ ...params, size: 64 }));
  return URL.createObjectURL(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
}

/** Runs `task` when the page is idle (after the frame being drawn), or a task later where idle callbacks are missing. */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(task, { timeout: 1000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, 50);
  return () => clearTimeout(id);
}

/** Thumbnails made after the first paint, one sample per idle period (a click between two is handled at once). */
function useThumbnails(): (string | undefined)[] {
  const [thumbs, setThumbs] = useState<(string | undefined)[]>(() => SAMPLES.map(() => undefined));
  useEffect(() => {
    const made: string[] = [];
    let cancel = () => {};
    const next = (i: number) => {
      if (i >= SAMPLES.length) return;
      cancel = whenIdle(() => {
        const url = thumbnailUrl(SAMPLES[i].params);
        made.push(url);
        setThumbs((t) => t.map((u, j) => (j === i ? url : u)));
        next(i + 1);
      });
    };
    next(0);
    return () => {
      cancel();
      for (const url of made) URL.revokeObjectURL(url);
    };
  }, []);
  return thumbs;
}

export function SampleGallery() {
  const thumbs = useThumbnails();
  return (
    <div className="gallery" data-testid="sample-gallery">
      <h3>
        Built-in samples <span className="badge">synthetic</span>
      </h3>
      <p className="hint" data-testid="sample-gallery-note">
        Drawings for trying the page, not scans: the models say they do not look like a brain MRI and show no diagnosis.
        Drop a real scan to see one.
      </p>
      <ul>
        {SAMPLES.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              className="sample"
              data-testid={`sample-${s.id}`}
              onClick={() => void loadSample(s.id)}
              title={s.description}
            >
              {thumbs[i] ? (
                <img src={thumbs[i]} alt="" width={THUMB} height={THUMB} />
              ) : (
                // the same box, black as the thumbnail's background, until it is drawn
                <span
                  aria-hidden="true"
                  style={{ width: THUMB, height: THUMB, flexShrink: 0, background: '#000', borderRadius: 4 }}
                />
              )}
              <span className="sample-title">
                {s.title}
                <span className="badge">synthetic</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
      <p className="hint">Made by CipherScan's phantom generator: not real patients.</p>
    </div>
  );
}
