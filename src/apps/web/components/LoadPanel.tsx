/** Loading scans: drop zone, a file picker for many files at once, and the synthetic sample gallery. */
import { useRef, useState, type DragEvent } from 'react';
import { loadUserFiles } from '../actions/loadFiles';
import { SampleGallery } from './SampleGallery';

export function LoadPanel() {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    if (e.dataTransfer.files.length) void loadUserFiles(e.dataTransfer.files);
  };

  return (
    <section className="panel" aria-labelledby="load-title">
      <h2 id="load-title">1. Load scans</h2>
      <div
        className={over ? 'dropzone dropzone-over' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop DICOM, PNG or JPEG files here</p>
        <button type="button" onClick={() => input.current?.click()}>
          Choose files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          aria-label="Choose scan files"
          accept=".dcm,.dicom,.png,.jpg,.jpeg,application/dicom,image/png,image/jpeg,*/*"
          onChange={(e) => {
            if (e.target.files?.length) void loadUserFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      <SampleGallery />
    </section>
  );
}
