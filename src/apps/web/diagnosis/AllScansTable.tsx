/** Every scan diagnosed with the chosen model under the current key: one row each, plain vs encrypted class and agreement. Click a row to show that scan. */
import { useDiagnosis } from '../state/diagnosis';
import { useFiles } from '../state/files';

export function AllScansTable({ model, keyCheck }: { model: string; keyCheck: string }) {
  const files = useFiles((s) => s.files);
  const select = useFiles((s) => s.select);
  const byFile = useDiagnosis((s) => s.byFile);
  const rows = files.flatMap((f) => {
    const d = byFile[f.id]?.[model];
    return d && d.keyCheck === keyCheck ? [{ file: f, r: d.result }] : [];
  });
  if (rows.length < 2) return null;
  const agree = rows.filter((x) => x.r.agree).length;
  return (
    <table className="per-class all-scans" data-testid="all-scans">
      <caption>
        {model}: {agree} of {rows.length} scans get the same class on the encrypted image
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
        {rows.map(({ file, r }) => (
          <tr key={file.id} data-file={file.id} onClick={() => select(file.id)} style={{ cursor: 'pointer' }}>
            <td>{file.label}</td>
            <td>
              {r.plain.prediction.className} ({(Math.max(...r.plain.prediction.probabilities) * 100).toFixed(1)} %)
            </td>
            <td>
              {r.encrypted.prediction.className} ({(Math.max(...r.encrypted.prediction.probabilities) * 100).toFixed(1)}{' '}
              %)
            </td>
            <td>{r.agree ? 'yes' : 'NO'}</td>
            <td>
              {r.plain.ms.toFixed(0)} / {(r.encrypted.encryptMs + r.encrypted.ms).toFixed(0)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
