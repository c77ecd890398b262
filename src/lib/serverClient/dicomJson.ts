/**
 * QIDO-RS answers (`GET /api/dicomweb/studies`, application/dicom+json) read into
 * plain study summaries. The tags are the contract's (docs/server.md, "QIDO item"):
 * standard StudyInstanceUID, ModalitiesInStudy, NumberOfStudyRelatedInstances, and
 * the private group 0011 that the server's creator "CIPHERSCAN" reserves. The
 * answer is checked, not trusted: a missing or mistyped required attribute is a
 * ServerProtocolError, not an `undefined` that surfaces later in the page.
 */
import { ServerProtocolError } from './errors';

export interface StudySummary {
  /** pseudonymous `2.25.<uuid>` */
  uid: string;
  modality: string;
  frames: number;
  ownerName: string;
  /** ISO 8601 */
  uploadedAt: string;
  packageBytes: number;
  version: number;
  /** shared studies only: the purpose the caller was granted */
  purpose?: string;
  /** shared studies only: when the grant ends (ISO 8601) */
  until?: string;
}

export const QIDO_TAGS = {
  studyUid: '0020000D',
  modalities: '00080061',
  frames: '00201208',
  privateCreator: '00110010',
  ownerName: '00111010',
  uploadedAt: '00111011',
  packageBytes: '00111012',
  version: '00111013',
  purpose: '00111014',
  until: '00111015',
} as const;

export const PRIVATE_CREATOR = 'CIPHERSCAN';

type DicomJsonItem = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

function firstValue(item: DicomJsonItem, tag: string): unknown {
  const element = item[tag] ?? item[tag.toLowerCase()];
  return Array.isArray(element?.Value) ? element.Value[0] : undefined;
}

function text(item: DicomJsonItem, tag: string, what: string, required: true): string;
function text(item: DicomJsonItem, tag: string, what: string, required: false): string | undefined;
function text(item: DicomJsonItem, tag: string, what: string, required: boolean): string | undefined {
  const value = firstValue(item, tag);
  if (value === undefined || value === null || value === '') {
    if (required) throw new ServerProtocolError(`a study without ${what}`);
    return undefined;
  }
  if (typeof value !== 'string') throw new ServerProtocolError(`${what} is not text`);
  return value.trim();
}

/** IS values are strings or numbers in DICOM JSON (PS3.18 F.2.3); UL are numbers. */
function whole(item: DicomJsonItem, tag: string, what: string): number {
  const value = firstValue(item, tag);
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new ServerProtocolError(`${what} is not a whole number`);
  return n;
}

/**
 * A DICOM DT (`YYYYMMDDHHMMSS.FFFFFF&ZZXX`, PS3.5 6.2) as ISO 8601; an ISO string
 * is kept as it is (the server may send either). Without an offset, UTC is assumed.
 */
export function dicomDateTimeToIso(value: string): string {
  const dt = /^(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,6}))?([+-]\d{4})?$/.exec(value);
  if (!dt) {
    if (Number.isNaN(Date.parse(value))) throw new ServerProtocolError(`"${value.slice(0, 40)}" is not a date`);
    return value;
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, offset] = dt;
  const ms = frac ? `.${frac.padEnd(3, '0').slice(0, 3)}` : '';
  const zone = offset ? `${offset.slice(0, 3)}:${offset.slice(3)}` : 'Z';
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${ms}${zone}`).toISOString();
}

export function studySummaryFromDicomJson(raw: unknown): StudySummary {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ServerProtocolError('a study is not an object');
  const item = raw as DicomJsonItem;
  const creator = text(item, QIDO_TAGS.privateCreator, 'the private creator', false);
  if (creator !== undefined && creator !== PRIVATE_CREATOR)
    throw new ServerProtocolError(`private group 0011 belongs to "${creator.slice(0, 40)}", not ${PRIVATE_CREATOR}`);
  const uid = text(item, QIDO_TAGS.studyUid, 'a study UID', true);
  if (!/^[0-9.]{1,64}$/.test(uid)) throw new ServerProtocolError('a study UID is not a DICOM UID');
  const purpose = text(item, QIDO_TAGS.purpose, 'a purpose', false);
  const until = text(item, QIDO_TAGS.until, 'an end date', false);
  return {
    uid,
    modality: text(item, QIDO_TAGS.modalities, 'a modality', true),
    frames: whole(item, QIDO_TAGS.frames, 'the frame count'),
    ownerName: text(item, QIDO_TAGS.ownerName, "the owner's name", true),
    uploadedAt: dicomDateTimeToIso(text(item, QIDO_TAGS.uploadedAt, 'an upload time', true)),
    packageBytes: whole(item, QIDO_TAGS.packageBytes, 'the package size'),
    version: whole(item, QIDO_TAGS.version, 'the version'),
    ...(purpose !== undefined ? { purpose } : {}),
    ...(until !== undefined ? { until: dicomDateTimeToIso(until) } : {}),
  };
}

export function studySummariesFromDicomJson(raw: unknown): StudySummary[] {
  if (!Array.isArray(raw)) throw new ServerProtocolError('the study list is not an array');
  return raw.map(studySummaryFromDicomJson);
}
