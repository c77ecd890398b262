/**
 * The scan's metadata as a person reads it, in four groups: Image, Acquisition and
 * equipment, Pixel encoding, Privacy. Identifying attributes appear by name with
 * the value "present" — the decoder never keeps their values, and this module only
 * sees names. Pure: no DOM.
 */
import type { DecodedImage } from '../decode/types';
import { formatNumber } from './windowLevel';

export interface MetadataRow {
  label: string;
  value: string;
}

export interface MetadataGroup {
  id: 'image' | 'acquisition' | 'encoding' | 'privacy';
  title: string;
  rows: MetadataRow[];
}

type Described = Pick<DecodedImage, 'format' | 'image' | 'frames' | 'dicom' | 'raw' | 'modalityTransform'>;

export function metadataGroups(decoded: Described): MetadataGroup[] {
  const d = decoded.dicom;
  const a = d?.descriptive ?? {};
  const rows = (list: Array<[string, string | number | undefined]>): MetadataRow[] =>
    list
      .filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '')
      .map(([label, value]) => ({ label, value: typeof value === 'number' ? formatNumber(value) : value }));
  const image: MetadataGroup = {
    id: 'image',
    title: 'Image',
    rows: rows([
      ['Format', decoded.format.toUpperCase()],
      ['Modality', d?.modality],
      ['Body part', a.bodyPartExamined],
      ['Size (native)', `${decoded.image.width} × ${decoded.image.height} pixels`],
      ['Frames', decoded.frames],
      ['Pixel spacing', a.pixelSpacing ? `${a.pixelSpacing.map(formatNumber).join(' × ')} mm` : undefined],
      ['Slice thickness', a.sliceThickness !== undefined ? `${formatNumber(a.sliceThickness)} mm` : undefined],
    ]),
  };
  const acquisition: MetadataGroup = {
    id: 'acquisition',
    title: 'Acquisition and equipment',
    rows: rows([
      ['Manufacturer', a.manufacturer],
      ['Model', a.manufacturerModelName],
      ['Tube voltage', a.kvp !== undefined ? `${formatNumber(a.kvp)} kV` : undefined],
      [
        'Field strength',
        a.magneticFieldStrength !== undefined ? `${formatNumber(a.magneticFieldStrength)} T` : undefined,
      ],
      ['Repetition time', a.repetitionTime !== undefined ? `${formatNumber(a.repetitionTime)} ms` : undefined],
      ['Echo time', a.echoTime !== undefined ? `${formatNumber(a.echoTime)} ms` : undefined],
      ['Frame time', a.frameTime !== undefined ? `${formatNumber(a.frameTime)} ms` : undefined],
      [
        'Recommended frame rate',
        a.recommendedFrameRate !== undefined ? `${formatNumber(a.recommendedFrameRate)} /s` : undefined,
      ],
    ]),
  };
  const t = decoded.modalityTransform;
  const raw = decoded.raw;
  const encoding: MetadataGroup = {
    id: 'encoding',
    title: 'Pixel encoding',
    rows: rows([
      ['Transfer syntax', d?.transferSyntaxName],
      ['Colour model', d?.photometricInterpretation ?? (raw?.samplesPerPixel === 3 ? 'RGB' : undefined)],
      ['Samples per pixel', d?.samplesPerPixel ?? raw?.samplesPerPixel],
      [
        'Bits',
        d
          ? `${d.bitsStored} stored of ${d.bitsAllocated}, ${d.pixelRepresentation === 1 ? 'signed' : 'unsigned'}`
          : raw
            ? `${raw.bitsAllocated}, unsigned`
            : undefined,
      ],
      [
        'Rescale',
        t && !t.modalityLut
          ? `value × ${formatNumber(t.rescaleSlope)} + ${formatNumber(t.rescaleIntercept)}${a.rescaleType ? ` (${a.rescaleType})` : ''}`
          : undefined,
      ],
      ['Modality LUT', d?.lookupTables?.modality ? `${d.lookupTables.modality.entries} entries` : undefined],
      ['File windows', d?.fileWindows?.length ? d.fileWindows.map((w) => w.label).join('; ') : undefined],
    ]),
  };
  const risks = d?.hiddenIdentifierRisks;
  const privacy: MetadataGroup = {
    id: 'privacy',
    title: 'Privacy',
    rows: [
      ...(d?.identifyingAttributes ?? []).map((name) => ({ label: name, value: 'present' })),
      ...rows([
        [
          'Identifying attributes',
          d ? (d.identifyingAttributes.length ? undefined : 'none found') : 'none (not DICOM)',
        ],
        ['Burned-in text', risks ? (risks.burnedInAnnotation ? 'the file says yes' : 'not declared') : undefined],
        ['Overlay planes', risks?.overlayPlanes ? `${risks.overlayPlanes} (not shown)` : undefined],
        ['Private attributes', risks?.privateAttributes ? `${risks.privateAttributes} (never read)` : undefined],
      ]),
    ],
  };
  return [image, acquisition, encoding, privacy].filter((g) => g.rows.length > 0);
}
