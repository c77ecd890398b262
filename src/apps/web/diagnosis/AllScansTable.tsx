/**
 * Every loaded scan, one row each: plain vs encrypted class and agreement under the chosen model and current
 * key, or why it has none (not decoded, diagnosis failed, not diagnosed yet). Click a row to show that scan.
 */
import { useDiagnosis } from '../state/diagnosis';
import { useFiles } from '../state/files';
import { allScansRows } from './allScansRows';
import { domainNameFor } from '../../../lib/diagnosis/domainGuard';
import { diagnosisRefused } from '../../../lib/diagnosis/declaredModality';
import { UNCERTAIN_MESSAGE, lessSure, uncertainReason } from '../../../lib/diagnosis/abstention';
import { classLabel } from '../../../lib/models/classNames';
import { isUncertain } from './CertaintyNotice';

/** The scan's name as a button: the row's click for the keyboard and for screen readers. */
function ScanCell({ label, onSelect }: { label: string; onSelect: () => void }) {
  return (
    <td>
      <button type="button" className="scan-link" onClick={onSelect}>
        {label}
      </button>
    </td>
  );
}

export function AllScansTable({ model, label, keyCheck }: { model: string; label: string; keyCheck: string }) {
  const files = useFiles((s) => s.files);
  const select = useFiles((s) => s.select);
  const byFile = useDiagnosis((s) => s.byFile);
  const failed = useDiagnosis((s) => s.failed);
  const rows = allScansRows(files, byFile, failed, model, keyCheck);
  const diagnosed = rows.flatMap((x) => (x.kind === 'diagnosed' ? [x.result] : []));
  // one scan has the side-by-side view; the table is for several, once one of them is diagnosed
  if (rows.length < 2 || diagnosed.length === 0) return null;
  const agree = diagnosed.filter((r) => r.agree).length;
  const failures = rows.filter((x) => x.kind === 'failed').length;
  return (
    <table className="per-class all-scans" data-testid="all-scans">
      <caption>
        {/* "answer": a refusal or an "Uncertain" agrees too, so the count does not say "class" */}
        {label}: the encrypted image gets the same answer as the original for {agree} of {diagnosed.length} diagnosed
        scans
        {failures > 0 && ` · ${failures} failed`}
      </caption>
      <thead>
        <tr>
          <th>scan</th>
          <th>plain · original</th>
          <th>adapted · encrypted</th>
          <th>agree</th>
          <th>ms (plain / encrypted)</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const { file } = row;
          const props = {
            'data-file': file.id,
            'data-kind': row.kind,
            onClick: () => select(file.id),
            style: { cursor: 'pointer' },
          };
          if (row.kind !== 'diagnosed')
            return (
              <tr {...props} key={file.id}>
                <ScanCell label={file.label} onSelect={() => select(file.id)} />
                <td colSpan={4} className={row.kind === 'failed' ? 'error' : 'hint'} data-testid="all-scans-reason">
                  {row.reason}
                </td>
              </tr>
            );
          const r = row.result;
          // the out-of-domain guard refused it: no class in the table either (issue 18)
          if (diagnosisRefused(r))
            return (
              <tr {...props} key={file.id}>
                <ScanCell label={file.label} onSelect={() => select(file.id)} />
                <td colSpan={4} className="hint" data-testid="all-scans-reason">
                  {r.declaredModality?.inDomain === false
                    ? `not shown: the file says it is modality ${r.declaredModality.declared}, not ${domainNameFor(r.classes)}`
                    : `not shown: does not look like a ${domainNameFor(r.classes)} the model was trained on`}
                </td>
              </tr>
            );
          // below the model's confidence threshold: no class either, the scan goes to a person
          if (isUncertain(r.plain.certainty, r.encrypted.certainty))
            return (
              <tr {...props} key={file.id}>
                <ScanCell label={file.label} onSelect={() => select(file.id)} />
                <td colSpan={4} className="hint" data-testid="all-scans-reason">
                  {UNCERTAIN_MESSAGE}: {uncertainReason(lessSure(r.plain.certainty!, r.encrypted.certainty))}
                </td>
              </tr>
            );
          return (
            <tr {...props} key={file.id}>
              <ScanCell label={file.label} onSelect={() => select(file.id)} />
              <td>
                {classLabel(r.plain.prediction.className)} (
                {(Math.max(...r.plain.prediction.probabilities) * 100).toFixed(1)} %)
              </td>
              <td>
                {classLabel(r.encrypted.prediction.className)} (
                {(Math.max(...r.encrypted.prediction.probabilities) * 100).toFixed(1)} %)
              </td>
              <td>{r.agree ? 'yes' : 'NO'}</td>
              <td>
                {r.plain.ms.toFixed(0)} / {(r.encrypted.encryptMs + r.encrypted.ms).toFixed(0)}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
