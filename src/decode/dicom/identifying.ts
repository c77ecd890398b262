/**
 * Identifying attributes from the DICOM Basic Application Level Confidentiality
 * Profile (PS3.15 Annex E, table E.1-1), by tag. Used only to say WHICH of them a
 * file carries, so the app can warn before anything is shared. Plus the risks
 * that sit outside named attributes: text burned into the pixels, overlay
 * planes, private (vendor) attributes.
 * This module must never read, copy or return an identifying attribute's value
 * (it reads one coded value: Burned In Annotation, YES or NO).
 */
import type { DataSet } from 'dicom-parser';
import type { HiddenIdentifierRisks } from '../types';

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
  // further rows of table E.1-1: request and procedure-step details, people and
  // their identification sequences, devices, clinical free text, instance UIDs
  x00080012: 'InstanceCreationDate',
  x00080013: 'InstanceCreationTime',
  x00080014: 'InstanceCreatorUID',
  x00080024: 'OverlayDate',
  x00080025: 'CurveDate',
  x00080034: 'OverlayTime',
  x00080035: 'CurveTime',
  x00080058: 'FailedSOPInstanceUIDList',
  x00080096: 'ReferringPhysicianIdentificationSequence',
  x0008009c: 'ConsultingPhysicianName',
  x00080201: 'TimezoneOffsetFromUTC',
  x00081049: 'PhysiciansOfRecordIdentificationSequence',
  x00081052: 'PerformingPhysicianIdentificationSequence',
  x00081062: 'PhysiciansReadingStudyIdentificationSequence',
  x00081072: 'OperatorIdentificationSequence',
  x00081080: 'AdmittingDiagnosesDescription',
  x00081084: 'AdmittingDiagnosesCodeSequence',
  x00081110: 'ReferencedStudySequence',
  x00081111: 'ReferencedPerformedProcedureStepSequence',
  x00081120: 'ReferencedPatientSequence',
  x00081155: 'ReferencedSOPInstanceUID',
  x00082111: 'DerivationDescription',
  x00101050: 'InsurancePlanIdentification',
  x00102000: 'MedicalAlerts',
  x00102110: 'Allergies',
  x001021a0: 'SmokingStatus',
  x001021c0: 'PregnancyStatus',
  x001021d0: 'LastMenstrualDate',
  x00102203: 'PatientSexNeutered',
  x00102297: 'ResponsiblePerson',
  x00102299: 'ResponsibleOrganization',
  x00181002: 'DeviceUID',
  x00181004: 'PlateID',
  x00181200: 'DateOfLastCalibration',
  x00181201: 'TimeOfLastCalibration',
  x00200200: 'SynchronizationFrameOfReferenceUID',
  x00209161: 'ConcatenationUID',
  x00321030: 'ReasonForStudy',
  x00321033: 'RequestingService',
  x00321070: 'RequestedContrastAgent',
  x00324000: 'StudyComments',
  x00380040: 'DischargeDiagnosisDescription',
  x00380400: 'PatientInstitutionResidence',
  x00380500: 'PatientState',
  x00384000: 'VisitComments',
  x00400001: 'ScheduledStationAETitle',
  x00400002: 'ScheduledProcedureStepStartDate',
  x00400010: 'ScheduledStationName',
  x00400011: 'ScheduledProcedureStepLocation',
  x00400241: 'PerformedStationAETitle',
  x00400242: 'PerformedStationName',
  x00400243: 'PerformedLocation',
  x00400245: 'PerformedProcedureStepStartTime',
  x00400250: 'PerformedProcedureStepEndDate',
  x00400251: 'PerformedProcedureStepEndTime',
  x00400254: 'PerformedProcedureStepDescription',
  x00400275: 'RequestAttributesSequence',
  x00400280: 'CommentsOnThePerformedProcedureStep',
  x00401400: 'RequestedProcedureComments',
  x00402400: 'ImagingServiceRequestComments',
  x00880140: 'StorageMediaFileSetUID',
  x30060024: 'ReferencedFrameOfReferenceUID',
  x300e0008: 'ReviewerName',
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

/** Burned-in text flag, overlay planes, private attributes: counted, none of their values read. */
export function hiddenIdentifierRisks(dataSet: DataSet): HiddenIdentifierRisks {
  let overlayPlanes = 0;
  let privateAttributes = 0;
  for (const tag of Object.keys(dataSet.elements)) {
    const group = parseInt(tag.slice(1, 5), 16);
    const element = parseInt(tag.slice(5, 9), 16);
    // groups 6000-601E (even) are the overlay repeating groups; 3000 is Overlay Data
    if (group >= 0x6000 && group <= 0x601e && group % 2 === 0 && element === 0x3000) overlayPlanes++;
    // odd groups past the command/file-meta range are private (0001-0007 and FFFF are not allowed to be)
    if (group % 2 === 1 && group > 0x0007 && group !== 0xffff) privateAttributes++;
  }
  const burned = dataSet.string('x00280301');
  return { burnedInAnnotation: burned?.trim().toUpperCase() === 'YES', overlayPlanes, privateAttributes };
}
