/** The built-in samples: synthetic brain phantoms, each tile labelled "synthetic". */
import { useMemo } from 'react';
import { toImageData } from '../imageData';
import { brainPhantom } from '../../../lib/samples/phantom';
import { SAMPLES } from '../../../lib/samples/gallery';
import { loadSample } from '../actions/loadFiles';

function thumbnailUrl(seedParams: (typeof SAMPLES)[number]['params']): string {
  const img = brainPhantom({ ...seedParams, size: 64 });
  const canvas = document.createElement('canvas');
  canvas.width = img.width;
  canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(toImageData(img), 0, 0);
  return canvas.toDataURL();
}

export function SampleGallery() {
  const thumbs = useMemo(() => SAMPLES.map((s) => thumbnailUrl(s.params)), []);
  return (
    <div className="gallery" data-testid="sample-gallery">
      <h3>
        Built-in samples <span className="badge">synthetic</span>
      </h3>
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
              <img src={thumbs[i]} alt="" width={48} height={48} />
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
