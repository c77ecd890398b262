/**
 * A QIDO-RS item (DICOM JSON, PS3.18 F.2) for one study, with exactly the contract's
 * attributes (docs/server.md, "QIDO item"): the standard StudyInstanceUID,
 * ModalitiesInStudy and NumberOfStudyRelatedInstances, and private group 0011 under
 * the creator "CIPHERSCAN" for owner name, upload time, package size, version and,
 * for studies shared with the caller, the grant's purpose and end. Nothing else of a
 * study exists on the server to leak.
 */
import type { Study } from '../store';

export const PRIVATE_CREATOR = 'CIPHERSCAN';

/** DICOM DT in UTC: YYYYMMDDHHMMSS.FFFFFF+0000. */
export function dicomDateTime(date: Date): string {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}.${iso.slice(20, 23)}000+0000`;
}

type Element = { vr: string; Value?: (string | number)[] };

export function studyItem(
  study: Study,
  grant: { purpose: string; until: Date | null } | null,
): Record<string, Element> {
  const item: Record<string, Element> = {
    '0020000D': { vr: 'UI', Value: [study.uid] },
    '00080061': { vr: 'CS', Value: [study.modality] },
    '00201208': { vr: 'IS', Value: [study.frames] },
    '00110010': { vr: 'LO', Value: [PRIVATE_CREATOR] },
    '00111010': { vr: 'LO', Value: [study.ownerName] },
    '00111011': { vr: 'DT', Value: [dicomDateTime(study.uploadedAt)] },
    '00111012': { vr: 'UL', Value: [study.packageBytes] },
    '00111013': { vr: 'UL', Value: [study.version] },
  };
  if (grant) {
    item['00111014'] = { vr: 'CS', Value: [grant.purpose] };
    item['00111015'] = grant.until ? { vr: 'DT', Value: [dicomDateTime(grant.until)] } : { vr: 'DT' };
  }
  return item;
}
