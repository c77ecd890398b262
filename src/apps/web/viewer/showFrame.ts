/**
 * Loads the viewer's frames from the pipeline worker, one at a time and only when
 * asked (viewerFrames.ts): opening a file sends its bytes once, later frames only
 * a number. A newer request wins over one still in flight, so scrolling fast
 * never shows an older frame last.
 *
 * Must never: change the file's model input, frame choice or results.
 */
import { appWorkers } from '../../../platform/browser/workers/appWorkers';
import { clampFrame, defaultFrameRate } from '../../../lib/viewing/frameNavigation';
import { initialWindow } from '../../../lib/viewing/presets';
import { readableError } from '../actions/loadFiles';
import type { ScanFile } from '../state/files';
import { useViewer } from './viewerStore';

let latest = 0;
/** one token per file opened: the worker keeps one open file and says when it holds another */
let openToken: string | null = null;
let opened = 0;

/** Opens `file` in the viewer at `frame` (the scan's chosen frame): the window starts from the file's own. */
export async function openInViewer(file: ScanFile): Promise<void> {
  const decoded = file.decoded;
  if (!decoded) return;
  const descriptive = decoded.dicom?.descriptive;
  useViewer.getState().set({
    fileId: file.id,
    frame: file.frame,
    frames: decoded.frames,
    shown: undefined,
    window: undefined,
    initialWindow: undefined,
    error: undefined,
    zoom: null,
    pan: { x: 0, y: 0 },
    playing: false,
    fps: defaultFrameRate(descriptive?.recommendedFrameRate, descriptive?.frameTime),
  });
  openToken = `${file.id}#${++opened}`;
  await showFrame(file, file.frame);
}

/** Shows frame `frame` of `file` (already open in the viewer). */
export async function showFrame(file: ScanFile, frame: number): Promise<void> {
  const state = useViewer.getState();
  if (state.fileId !== file.id || !openToken) return;
  const wanted = clampFrame(frame, state.frames);
  const request = ++latest;
  const token = openToken;
  state.set({ frame: wanted, loading: true });
  try {
    const worker = appWorkers().pick('pipeline');
    let shown = await worker.call('viewerFrame', [{ token, frame: wanted }]);
    if (!shown) {
      const bytes = file.bytes.slice();
      shown = await worker.call('viewerFrame', [{ token, frame: wanted, file: { bytes, name: file.originalName } }], {
        transfer: [bytes.buffer],
      });
    }
    if (request !== latest || useViewer.getState().fileId !== file.id) return;
    const now = useViewer.getState();
    const first =
      shown?.grey && !now.initialWindow ? initialWindow(file.decoded?.dicom?.fileWindows ?? [], shown.grey) : undefined;
    now.set({
      shown: shown ?? undefined,
      loading: false,
      error: undefined,
      ...(first ? { window: first, initialWindow: first } : {}),
    });
  } catch (err) {
    if (request !== latest) return;
    useViewer.getState().set({ loading: false, playing: false, error: readableError(err) });
  }
}
