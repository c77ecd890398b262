/**
 * What a DICOM file says it is, beside what its pixels look like (issue 18's
 * out-of-domain guard). Every DICOM image names its modality (0008,0060): a file
 * that says "CT" is not a brain MRI, however MRI-like a head CT in a brain window
 * looks to the feature guard (it took one of the dicom-samples for MRI). So before
 * the image guard, the declaration is read: a model refuses a file that declares a
 * modality its domain is not. "OT" (other) and a missing value say nothing, and
 * PNG/JPEG declare nothing: the image guard alone decides for them.
 * The modality is metadata, not pixels: it is read on the clinician's device from
 * the file they loaded, never from the encrypted image, and both sides of a
 * diagnosis get the same verdict. Pure.
 */
import { domainNameFor, domainOf, outOfDomainMessage, type ImageDomain } from './domainGuard';

export interface ModalityVerdict {
  /** the file's Modality (0008,0060), as written */
  declared: string;
  /** the modalities this model's domain is */
  expected: string[];
  inDomain: boolean;
}

/**
 * DICOM modality codes (PS3.3 C.7.3.1.1.1) of each domain the shipped models read:
 * brain MRI is MR; a histopathology slide is slide microscopy, or a photograph of one
 * (external-camera or general microscopy).
 */
const DOMAIN_MODALITIES: Record<ImageDomain, string[]> = {
  'brain-mri': ['MR'],
  'lung-histopathology': ['SM', 'XC', 'GM'],
};
/** declarations that say nothing about what the image shows */
const UNINFORMATIVE = new Set(['', 'OT']);

/** A few codes in words, for the sentence a clinician reads; any other code is quoted as it is. */
const MODALITY_WORDS: Record<string, string> = {
  CT: 'a CT',
  MR: 'an MRI',
  US: 'an ultrasound',
  NM: 'a nuclear-medicine image',
  PT: 'a PET image',
  CR: 'an X-ray',
  DX: 'an X-ray',
  MG: 'a mammogram',
  XA: 'an angiogram',
  RF: 'a fluoroscopy image',
  SM: 'a slide-microscopy image',
  RTDOSE: 'a radiotherapy dose map',
  SEG: 'a segmentation',
};

/**
 * The verdict on a file's declared modality for a model with these classes, or undefined where
 * the declaration says nothing (absent, "OT") or the model's domain has no list (a test model).
 */
export function modalityVerdict(classes: string[], declared: string | undefined): ModalityVerdict | undefined {
  const code = (declared ?? '').trim().toUpperCase();
  const domain = domainOf(classes);
  const expected = domain && DOMAIN_MODALITIES[domain];
  if (UNINFORMATIVE.has(code) || !expected) return undefined;
  // a multi-valued element ("MR\\OT") is in the domain when any of its values is
  const values = code.split('\\').map((v) => v.trim());
  return { declared: code, expected, inDomain: values.some((v) => expected.includes(v)) };
}

/** "The file says it is a CT (DICOM Modality CT); this model reads brain MRI (MR): no diagnosis shown." */
export function modalityMessage(v: ModalityVerdict, classes: string[]): string {
  const what = MODALITY_WORDS[v.declared] ?? `a "${v.declared}" image`;
  return (
    `The file says it is ${what} (DICOM Modality ${v.declared}); this model reads ${domainNameFor(classes)} ` +
    `(${v.expected.join(', ')}): no diagnosis shown.`
  );
}

/** A diagnosis is withheld when the image guard refuses either side, or the file declares another modality. */
export function diagnosisRefused(r: {
  plain: { domain?: { inDomain: boolean } };
  encrypted?: { domain?: { inDomain: boolean } };
  declaredModality?: ModalityVerdict;
}): boolean {
  return (
    r.declaredModality?.inDomain === false ||
    r.plain.domain?.inDomain === false ||
    r.encrypted?.domain?.inDomain === false
  );
}

/**
 * The sentence that withholds a diagnosis of one image, or undefined where nothing does: the
 * file's declared modality first, then the image check (for callers that hold one verdict, such
 * as the server-side encrypted diagnosis, which refuses before anything is sent).
 */
export function refusalSentence(
  classes: string[],
  domain: { inDomain: boolean } | undefined,
  declared: string | undefined,
): string | undefined {
  const modality = modalityVerdict(classes, declared);
  if (modality?.inDomain === false) return modalityMessage(modality, classes);
  if (domain?.inDomain === false) return outOfDomainMessage(domainNameFor(classes));
  return undefined;
}
