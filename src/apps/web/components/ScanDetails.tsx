/**
 * Details of the selected scan: format and size, the DICOM frame and grey-level
 * (window / VOI LUT / full range) pickers, the
 * identifying-attributes warning (names only; values are never read into the UI)
 * and the identifiers that hide elsewhere: burned-in text, overlays, private attributes.
 */
import { selectedFile, useFiles } from '../state/files';
import { decodeFile } from '../actions/loadFiles';

export function ScanDetails() {
  const file = useFiles(selectedFile);
  const decoded = file?.decoded;
  if (!file || !decoded) return null;
  const identifying = decoded.dicom?.identifyingAttributes ?? [];
  const risks = decoded.dicom?.hiddenIdentifierRisks;
  const voiChoices = decoded.dicom?.voiChoices;
  return (
    <section className="panel" aria-labelledby="details-title" data-testid="scan-details">
      <h2 id="details-title">{file.label}</h2>
      <dl className="facts">
        <dt>Format</dt>
        <dd>{decoded.format.toUpperCase()}</dd>
        <dt>Size</dt>
        <dd>
          {decoded.image.width} × {decoded.image.height}
        </dd>
        {file.decodeMs !== undefined && (
          <>
            <dt>Decoded in</dt>
            <dd>{file.decodeMs.toFixed(file.decodeMs < 10 ? 1 : 0)} ms</dd>
          </>
        )}
        {decoded.dicom && (
          <>
            <dt>Modality</dt>
            <dd>{decoded.dicom.modality ?? '—'}</dd>
            <dt>Transfer syntax</dt>
            <dd>{decoded.dicom.transferSyntaxName}</dd>
            <dt>Pixels</dt>
            <dd>
              {decoded.dicom.bitsStored}-bit {decoded.dicom.pixelRepresentation === 1 ? 'signed' : 'unsigned'},{' '}
              {decoded.dicom.photometricInterpretation}
            </dd>
            {decoded.dicom.window && (
              <>
                <dt>Window</dt>
                <dd>
                  C {Math.round(decoded.dicom.window.center)} / W {Math.round(decoded.dicom.window.width)} (
                  {decoded.dicom.window.source})
                </dd>
              </>
            )}
            {decoded.dicom.lookupTables?.modality && (
              <>
                <dt>Modality LUT</dt>
                <dd>from the file ({decoded.dicom.lookupTables.modality.entries} entries)</dd>
              </>
            )}
            {decoded.dicom.lookupTables?.voi && (
              <>
                <dt>VOI LUT</dt>
                <dd>
                  from the file ({decoded.dicom.lookupTables.voi.entries} entries, {decoded.dicom.lookupTables.voi.bits}
                  -bit)
                </dd>
              </>
            )}
          </>
        )}
      </dl>
      {decoded.frames > 1 && (
        <label className="frame-picker">
          Frame
          <input
            type="number"
            data-testid="frame-picker"
            min={1}
            max={decoded.frames}
            value={decoded.frame + 1}
            onChange={(e) => {
              const frame = Math.min(decoded.frames, Math.max(1, Number(e.target.value) || 1)) - 1;
              if (frame !== decoded.frame) void decodeFile(file.id, { frame, voi: file.voi });
            }}
          />
          of {decoded.frames}
        </label>
      )}
      {voiChoices && voiChoices.length > 1 && (
        <label className="voi-picker">
          Grey levels (window)
          <select
            data-testid="voi-picker"
            value={decoded.dicom?.voi ?? 0}
            onChange={(e) => void decodeFile(file.id, { frame: decoded.frame, voi: Number(e.target.value) })}
          >
            {voiChoices.map((label, i) => (
              <option key={i} value={i}>
                {label}
                {i === 0 ? ' (default)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {voiChoices && voiChoices.length > 1 && (
        <p className="hint">The grey levels chosen here are what gets encrypted and diagnosed.</p>
      )}
      {identifying.length > 0 && (
        <p className="phi-warning" role="note" data-testid="phi-warning">
          This file contains {identifying.length === 1 ? 'an attribute' : `${identifying.length} attributes`} that can
          identify the patient or the scan (DICOM PS3.15 table E.1-1): {identifying.join(', ')}. They are never
          exported.
        </p>
      )}
      {risks?.burnedInAnnotation && (
        <p className="phi-warning" role="note" data-testid="burned-in-warning">
          The file says text is burned into the image itself (Burned In Annotation: YES), which can include the
          patient&apos;s name. The encrypted image hides that text only as well as it hides the rest of the image:
          anyone with the key, or who breaks the encryption (see the attacks), can read it.
        </p>
      )}
      {risks && (risks.overlayPlanes > 0 || risks.privateAttributes > 0) && (
        <p className="hint" data-testid="hidden-attributes-note">
          {[
            risks.overlayPlanes > 0
              ? `${risks.overlayPlanes} overlay plane${risks.overlayPlanes === 1 ? '' : 's'} (graphics or text over the image, not shown here)`
              : '',
            risks.privateAttributes > 0
              ? `${risks.privateAttributes} private vendor attribute${risks.privateAttributes === 1 ? '' : 's'} (may hold identifiers)`
              : '',
          ]
            .filter(Boolean)
            .join(' and ')}
          : never read by this app and never exported.
        </p>
      )}
      {file.synthetic && <p className="hint">Synthetic phantom made by this app: not a patient scan.</p>}
    </section>
  );
}
