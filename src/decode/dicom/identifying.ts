/**
 * Identifying attributes from the DICOM Basic Application Level Confidentiality
 * Profile (PS3.15 Annex E, table E.1-1), by tag. Used only to say WHICH of them a
 * file carries, so the app can warn before anything is shared.
 * This module must never read, copy or return an attribute's value.
 */
import type { DataSet } from 'dicom-parser';

/** dicom-parser tag key ("x00100010") -> DICOM keyword */
export const IDENTIFYING_ATTRIBUTES: Readonly<Record<string, string>> = {
  x00100010: 'PatientName',
  x00100020: 'PatientID',
  x00100021: 'IssuerOfPatientID',
  x00100030: 'PatientBirthDate',
  x00100032: 'PatientBirthTime',
  x00100040: 'PatientSex',
  x00100050: 'PatientInsurancePlanCodeSequence',
  x00101000: 'OtherPatientIDs',
  x00101001: 'OtherPatientNames',
  x00101002: 'OtherPatientIDsSequence',
  x00101005: 'PatientBirthName',
  x00101010: 'PatientAge',
  x00101020: 'PatientSize',
  x00101030: 'PatientWeight',
  x00101040: 'PatientAddress',
  x00101060: 'PatientMotherBirthName',
  x00101080: 'MilitaryRank',
  x00101090: 'MedicalRecordLocator',
  x00102150: 'CountryOfResidence',
  x00102152: 'RegionOfResidence',
  x00102154: 'PatientTelephoneNumbers',
  x00102160: 'EthnicGroup',
  x00102180: 'Occupation',
  x001021b0: 'AdditionalPatientHistory',
  x001021f0: 'PatientReligiousPreference',
  x00104000: 'PatientComments',
  x00080050: 'AccessionNumber',
  x00080080: 'InstitutionName',
  x00080081: 'InstitutionAddress',
  x00080082: 'InstitutionCodeSequence',
  x00080090: 'ReferringPhysicianName',
  x00080092: 'ReferringPhysicianAddress',
  x00080094: 'ReferringPhysicianTelephoneNumbers',
  x00081010: 'StationName',
  x00081040: 'InstitutionalDepartmentName',
  x00081048: 'PhysiciansOfRecord',
  x00081050: 'PerformingPhysicianName',
  x00081060: 'NameOfPhysiciansReadingStudy',
  x00081070: 'OperatorsName',
  x00080020: 'StudyDate',
  x00080021: 'SeriesDate',
  x00080022: 'AcquisitionDate',
  x00080023: 'ContentDate',
  x00080030: 'StudyTime',
  x00080031: 'SeriesTime',
  x00080032: 'AcquisitionTime',
  x00080033: 'ContentTime',
  x0008002a: 'AcquisitionDateTime',
  x00200010: 'StudyID',
  x0020000d: 'StudyInstanceUID',
  x0020000e: 'SeriesInstanceUID',
  x00080018: 'SOPInstanceUID',
  x00200052: 'FrameOfReferenceUID',
  x00181000: 'DeviceSerialNumber',
  x00181030: 'ProtocolName',
  x00321032: 'RequestingPhysician',
  x00321060: 'RequestedProcedureDescription',
  x00380010: 'AdmissionID',
  x00380300: 'CurrentPatientLocation',
  x00400006: 'ScheduledPerformingPhysicianName',
  x00400244: 'PerformedProcedureStepStartDate',
  x00400253: 'PerformedProcedureStepID',
  x00401001: 'RequestedProcedureID',
  x00402016: 'PlacerOrderNumberImagingServiceRequest',
  x00402017: 'FillerOrderNumberImagingServiceRequest',
  x00081030: 'StudyDescription',
  x0008103e: 'SeriesDescription',
  x00204000: 'ImageComments',
};

/**
 * Keywords of the identifying attributes present with a non-empty value, in table
 * order; then those found only inside sequence items (any depth), as
 * "PatientName (in a sequence)": a referenced-request or other-patient item
 * carries the same kinds of data. Emptiness is judged from the element's length
 * only (padding-only strings count as empty), so values are looked at byte-wise
 * and thrown away at once.
 */
export function identifyingAttributesIn(dataSet: DataSet): string[] {
  const topLevel = new Set<string>();
  collect(dataSet, topLevel);
  const nested = new Set<string>();
  collectInItems(dataSet, nested, 1);
  const keywords = Object.values(IDENTIFYING_ATTRIBUTES);
  return [...keywords.filter((k) => topLevel.has(k)), ...keywords.filter((k) => nested.has(k) && !topLevel.has(k)).map((k) => `${k} (in a sequence)`)];
}

function collect(dataSet: DataSet, into: Set<string>): void {
  for (const [tag, keyword] of Object.entries(IDENTIFYING_ATTRIBUTES)) {
    const element = dataSet.elements[tag];
    if (!element) continue;
    if (element.items) {
      if (element.items.length > 0) into.add(keyword);
      continue;
    }
    if (element.length > 0 && !isPaddingOnly(dataSet.byteArray, element.dataOffset, element.length)) into.add(keyword);
  }
}

/** Sequences nest; real files go 3–4 deep. The bound only guards against pathological files. */
const MAX_SEQUENCE_DEPTH = 16;

/** Collects from the items of every sequence in `dataSet`, and from theirs. */
function collectInItems(dataSet: DataSet, into: Set<string>, depth: number): void {
  if (depth > MAX_SEQUENCE_DEPTH) return;
  for (const element of Object.values(dataSet.elements)) {
    for (const item of element.items ?? []) {
      if (!item.dataSet) continue;
      collect(item.dataSet, into);
      collectInItems(item.dataSet, into, depth + 1);
    }
  }
}

function isPaddingOnly(bytes: Uint8Array, offset: number, length: number): boolean {
  const end = Math.min(bytes.length, offset + length);
  for (let i = offset; i < end; i++) if (bytes[i] !== 0x20 && bytes[i] !== 0x00) return false;
  return true;
}
