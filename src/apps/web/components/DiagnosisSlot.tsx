/** Section 6, the diagnosis panel (issue 3), lives in src/apps/web/diagnosis; this slot only mounts it. */
import { DiagnosisPanel } from '../diagnosis/DiagnosisPanel';

export function DiagnosisSlot() {
  return <DiagnosisPanel />;
}
