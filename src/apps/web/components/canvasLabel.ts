/**
 * What a screen reader hears for a drawn image: the view and the scan it shows
 * ("Encrypted (BPE) view of scan-1, brain-phantom.png"). A canvas is one opaque
 * picture to assistive technology, so its name must say which scan and which view,
 * as the surrounding captions do for sighted readers.
 */
import type { ScanFile } from '../state/files';

export function canvasLabel(view: string, file: Pick<ScanFile, 'label' | 'originalName'> | undefined): string {
  return file ? `${view} view of ${file.label}, ${file.originalName}` : `${view} view`;
}
