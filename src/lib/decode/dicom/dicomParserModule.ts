/**
 * dicom-parser ships a UMD bundle whose types declare named exports only. Node's
 * ESM loader and Vite expose it under `default`; this module hands everyone the
 * same object, whichever loader ran. Nothing else belongs here.
 */
import * as namespace from 'dicom-parser';

type DicomParser = typeof namespace;

export const dicomParser: DicomParser = ((namespace as unknown as { default?: DicomParser }).default ??
  namespace) as DicomParser;
