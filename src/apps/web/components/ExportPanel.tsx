/** Export buttons and opening a protected file (AES package or encrypted PNG) with the current key. */
import { useRef } from 'react';
import { useFiles } from '../state/files';
import { useKey } from '../state/key';
import { useResults } from '../state/results';
import { exportKey } from '../actions/keyActions';
import {
  cancelPackageWork,
  isPackageBusy,
  exportDecryptedPng,
  exportEncryptedPng,
  exportPackage,
  openProtectedFile,
} from '../actions/exportImport';

function kb(n: number): string {
  return `${(n / 1024).toFixed(1)} KiB`;
}

export function ExportPanel() {
  const input = useRef<HTMLInputElement>(null);
  const key = useKey((s) => s.key);
  const file = useFiles((s) => s.files.find((f) => f.id === s.selectedId));
  const r = useResults((s) => (file ? s.byFile[file.id] : undefined));
  const label = file?.label ?? 'scan';
  const busy = useResults((s) => s.busy);
  const packageBusy = isPackageBusy(busy);

  return (
    <section className="panel export-panel" aria-labelledby="export-title">
      <h2 id="export-title">5. Export</h2>
      <p className="hint">
        Files are named <code>{label}-…</code>, never after the original file: DICOM file names often carry patient
        names or IDs. Exports hold pixels only, no patient attributes.
      </p>
      <div className="button-grid">
        <button type="button" data-testid="export-encrypted" disabled={!r?.encrypted} onClick={exportEncryptedPng}>
          Encrypted PNG
        </button>
        <button
          type="button"
          data-testid="export-decrypted"
          disabled={!r?.encrypted}
          onClick={() => void exportDecryptedPng()}
        >
          Decrypted PNG
        </button>
        <button
          type="button"
          data-testid="export-package"
          disabled={!key || !file?.decoded || packageBusy}
          onClick={() => void exportPackage()}
        >
          AES package (.csp)
        </button>
        <button type="button" data-testid="export-key-2" disabled={!key} onClick={exportKey}>
          Key file
        </button>
      </div>
      {packageBusy && (
        <p className="busy" role="status" data-testid="package-busy">
          <span className="spinner" aria-hidden="true" />{' '}
          {busy === 'packing'
            ? 'Packing every frame (lossless JPEG 2000, AES-GCM)…'
            : busy === 'opening-png'
              ? 'Reading and decrypting the encrypted PNG…'
              : 'Decrypting and checking the package…'}{' '}
          <button type="button" data-testid="cancel-package" onClick={cancelPackageWork}>
            Cancel
          </button>
        </p>
      )}
      {r?.decrypted && (
        <p className="hint" data-testid="roundtrip">
          Decrypted with this key: identical to the original model input, bit for bit.
        </p>
      )}
      {r?.package && (
        <p className="footprint" data-testid="package-footprint">
          {r.package.note ? `${r.package.note} · ` : r.package.frames > 1 ? `${r.package.frames} frames · ` : ''}File as
          loaded {kb(r.package.originalBytes)} · raw pixels {kb(r.package.rawBytes)} · JPEG 2000 (lossless){' '}
          {kb(r.package.compressedBytes)} · package {kb(r.package.packageBytes)}
        </p>
      )}
      <h3>Open a protected file</h3>
      <button
        type="button"
        data-testid="open-protected"
        disabled={!key || packageBusy}
        onClick={() => input.current?.click()}
      >
        Open package or encrypted PNG…
      </button>
      <input
        ref={input}
        type="file"
        hidden
        accept=".csp,.png,application/octet-stream,image/png"
        data-testid="protected-file-input"
        aria-label="Package or encrypted PNG"
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) void openProtectedFile(f);
          e.target.value = '';
        }}
      />
    </section>
  );
}
