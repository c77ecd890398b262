/**
 * What the "Diagnose on the server, encrypted" button does: the chosen model's
 * class-token features and local answer for the selected scan (inference worker,
 * the model the local diagnosis uses, loaded if needed), then encryptedInference.ts
 * with the CKKS worker and the signed-in hospital-server session. The result and
 * the error live in a small store of their own (in memory only).
 * A scan the model's out-of-domain guard refuses, or whose DICOM file declares another modality,
 * is refused here before anything is encrypted or sent, as the local diagnosis refuses it; an
 * answer below the model's "Uncertain" threshold is shown as "Uncertain — refer for review" first.
 * Must never: run without a signed-in session, or log features, logits or tokens.
 */
import { create } from 'zustand';
import { refusalSentence } from '../../../../lib/diagnosis/declaredModality';
import { classTokenFeaturesInWorker } from '../../../../platform/browser/workers/inferenceClient';
import { loadModel, probeModels } from '../../diagnosis/actions';
import { currentSession, signOut } from '../../hospital/session';
import { explain, sessionEnded } from '../../hospital/messages';
import { chosenSingleModel, useDiagnosis } from '../../state/diagnosis';
import { declaredModalityOf, selectedFile, useFiles } from '../../state/files';
import { diagnoseEncrypted } from './encryptedInference';
import { workerCkks } from './heWorkerClient';
import type { EncryptedResult } from './results';

export type EncryptedStage = 'features' | 'keys' | 'server' | null;

interface EncryptedState {
  stage: EncryptedStage;
  /** by file id: the last result for that scan (shown only for the model and image it was made with: resultFor) */
  results: Record<string, EncryptedResult>;
  error: string | null;
}

export const useEncrypted = create<EncryptedState>()(() => ({ stage: null, results: {}, error: null }));

/** A refusal or failure replaces the scan's earlier answer: nothing stays on screen beside the reason. */
function failed(fileId: string, error: string): void {
  useEncrypted.setState((s) => {
    const { [fileId]: _, ...results } = s.results;
    return { results, error };
  });
}

export async function diagnoseOnServerEncrypted(): Promise<void> {
  const file = selectedFile(useFiles.getState());
  const session = currentSession();
  if (useEncrypted.getState().stage) return;
  if (!file?.modelInput) return void useEncrypted.setState({ error: 'Load a scan first.' });
  if (!session) return void useEncrypted.setState({ error: 'Sign in to the hospital server first.' });
  const input = file.modelInput;
  useEncrypted.setState({ stage: 'features', error: null });
  try {
    await probeModels();
    const entry = chosenSingleModel(useDiagnosis.getState()); // an ensemble: its ViT (one network's class token)
    if (!entry) throw new Error('no trained model is available for this dataset');
    await loadModel(entry);
    const local = await classTokenFeaturesInWorker(entry.name, entry.url, input);
    // the same checks as the local diagnosis, before anything is encrypted or sent: a refused scan gets no class here either
    const refusal = refusalSentence(entry.classes, local.domain, declaredModalityOf(file));
    if (refusal) return failed(file.id, `${refusal} Nothing was sent to the server.`);
    useEncrypted.setState({ stage: 'keys' });
    const ckks = workerCkks();
    const result = await diagnoseEncrypted({
      model: entry.name,
      classes: entry.classes,
      local: {
        features: local.features,
        logits: local.prediction.logits,
        classIndex: local.prediction.classIndex,
        ...(local.calibration ? { calibration: local.calibration } : {}),
      },
      server: session.client,
      ckks: {
        ...ckks,
        open: async (shape) => {
          const keys = await ckks.open(shape);
          useEncrypted.setState({ stage: 'server' });
          return keys;
        },
      },
    });
    useEncrypted.setState((s) => ({
      results: { ...s.results, [file.id]: { ...result, fileId: file.id, localMs: local.ms, input } },
    }));
  } catch (err) {
    // a session that ended signs out (the server panel then offers sign-in); the reason is said here
    if (sessionEnded(err)) signOut('Your session on the hospital server ended: sign in again.');
    failed(file.id, explain(err));
  } finally {
    useEncrypted.setState({ stage: null });
  }
}
