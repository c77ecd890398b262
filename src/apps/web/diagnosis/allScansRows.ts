/**
 * The all-scans table's rows: every loaded file, in order, whatever became of it. A diagnosed one gets its
 * result under the chosen model and current key; one that could not be decoded, or whose diagnosis failed,
 * its reason; the rest say they are not diagnosed yet (or still loading).
 */
import type { FileDiagnosis } from '../state/diagnosis';
import type { ScanFile } from '../state/files';

export type AllScansRow =
  | { file: ScanFile; kind: 'diagnosed'; result: FileDiagnosis['result'] }
  | { file: ScanFile; kind: 'failed'; reason: string }
  | { file: ScanFile; kind: 'pending'; reason: string };

export function allScansRows(
  files: ScanFile[],
  byFile: Record<string, Record<string, FileDiagnosis>>,
  failed: Record<string, Record<string, { reason: string; keyCheck: string }>>,
  model: string,
  keyCheck: string,
): AllScansRow[] {
  return files.map((file): AllScansRow => {
    const d = byFile[file.id]?.[model];
    if (d && d.keyCheck === keyCheck) return { file, kind: 'diagnosed', result: d.result };
    if (file.status === 'error') return { file, kind: 'failed', reason: `not decoded: ${file.error ?? 'unreadable'}` };
    const f = failed[file.id]?.[model];
    if (f && f.keyCheck === keyCheck) return { file, kind: 'failed', reason: `diagnosis failed: ${f.reason}` };
    if (file.status === 'queued' || file.status === 'decoding') return { file, kind: 'pending', reason: 'loading…' };
    return { file, kind: 'pending', reason: 'not diagnosed yet' };
  });
}
