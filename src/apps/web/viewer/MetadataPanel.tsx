/**
 * The scan's metadata grouped for people (lib/viewing/metadataGroups): Image,
 * Acquisition and equipment, Pixel encoding, Privacy. Identifying attributes show
 * as "present" only: their values never reach the page.
 */
import type { DecodedImage } from '../../../lib/decode/types';
import { metadataGroups } from '../../../lib/viewing/metadataGroups';

export function MetadataPanel({ decoded }: { decoded: DecodedImage }) {
  return (
    <div className="viewer-metadata" data-testid="viewer-metadata">
      {metadataGroups(decoded).map((group) => (
        <details key={group.id} open={group.id !== 'encoding'} data-testid={`metadata-${group.id}`}>
          <summary>{group.title}</summary>
          <dl className="facts">
            {group.rows.map((row, i) => (
              <div key={i} className="viewer-fact">
                <dt>{row.label}</dt>
                <dd>{row.value}</dd>
              </div>
            ))}
          </dl>
        </details>
      ))}
    </div>
  );
}
