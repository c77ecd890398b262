/** Moved to src/lib/attacks/inversion/runInversion.ts (the page's inversion worker runs it too); kept as a re-export. */
export {
  DLG_SIZE,
  runInversion,
  type InversionContext,
  type InversionScore,
} from '../../lib/attacks/inversion/runInversion';
