/**
 * "Diagnose on the server, encrypted" (issue 17, "The page"): the selected scan's
 * class-token features, CKKS-encrypted on this device, diagnosed by the hospital
 * server's copy of the model's head on ciphertext, decrypted here and shown beside
 * this device's own answer, with the figures and what the server saw. Below the model's
 * "Uncertain" threshold the server's answer reads "Uncertain — refer for review" first, its
 * class only as a leaning, as the local diagnosis does.
 */
import {
  UNCERTAIN_MESSAGE,
  lessSure,
  uncertainReason,
  type ConfidenceVerdict,
} from '../../../../lib/diagnosis/abstention';
import { classLabel } from '../../../../lib/models/classNames';
import { useServer } from '../../hospital/state';
import { chosenSingleModel, chosenSingleModelLabel, useDiagnosis } from '../../state/diagnosis';
import { selectedFile, useFiles } from '../../state/files';
import { diagnoseOnServerEncrypted, useEncrypted, type EncryptedStage } from './actions';
import { resultFor } from './results';
import { describeSizes, serverSawSentence } from './figures';

const STAGE_TEXT: Record<Exclude<EncryptedStage, null>, string> = {
  features: 'Computing the class token of this scan on this device…',
  keys: 'Making a CKKS key on this device…',
  server: 'Encrypting, sending, waiting for the encrypted answer, decrypting…',
};

/** A class, or "Uncertain — refer for review (leaning: …)" below the model's threshold. */
function answerText(className: string, certainty: ConfidenceVerdict | undefined): string {
  return certainty?.uncertain ? `${UNCERTAIN_MESSAGE} (leaning: ${classLabel(className)})` : classLabel(className);
}

/** "true", "false", or "none" where the model ships no threshold (not the same as sure). */
const verdictAttribute = (c: ConfidenceVerdict | undefined) => (c ? String(c.uncertain) : 'none');

export function EncryptedInferencePanel() {
  const file = useFiles(selectedFile);
  const signedIn = useServer((s) => s.account !== null);
  const stage = useEncrypted((s) => s.stage);
  const error = useEncrypted((s) => s.error);
  // the network whose last layer the server applies (an ensemble: its ViT member)
  const model = useDiagnosis(chosenSingleModelLabel);
  const modelName = useDiagnosis((s) => chosenSingleModel(s)?.name);
  // an answer of another model, or of another frame of this scan, is not shown under this one's name
  const result = useEncrypted((s) => resultFor(s.results, file, modelName));
  const ready = file?.modelInput !== undefined;
  // uncertain when either side is (they agree to CKKS noise): the class is then only a leaning
  const uncertain = result?.serverCertainty?.uncertain === true || result?.localCertainty?.uncertain === true;

  return (
    <section className="panel network-panel" aria-labelledby="he-title" data-testid="he-panel">
      <h3 id="he-title">Encrypted diagnosis on the server</h3>
      <p className="hint">
        The scan never leaves this device. Its class token (the numbers the model&apos;s last layer reads) is encrypted
        here under a CKKS key made here; the server applies the model&apos;s last layer to the ciphertext and sends back
        an encrypted answer that only this device can read.
      </p>
      {!signedIn && (
        <p data-testid="he-sign-in-first">
          You are not signed in to the hospital server, so there is no server to ask.{' '}
          <a href="#server-title">Sign in to the hospital server</a> first (below), then come back here.
        </p>
      )}
      {model && (
        <p className="hint" data-testid="he-model">
          Model: {model}
        </p>
      )}
      {signedIn && !ready && <p data-testid="he-load-first">Load a scan to diagnose it on the server.</p>}
      <button
        type="button"
        data-testid="he-diagnose"
        disabled={!signedIn || !ready || stage !== null}
        onClick={() => void diagnoseOnServerEncrypted()}
      >
        Diagnose on the server, encrypted
      </button>
      <p role="status" aria-live="polite" className="hint" data-testid="he-stage">
        {stage ? STAGE_TEXT[stage] : ''}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="he-error">
          {error}
        </p>
      )}
      {result && (
        <div data-testid="he-result">
          {uncertain && (
            <p className="certainty-verdict uncertain" role="status" data-testid="he-uncertain">
              <strong>{UNCERTAIN_MESSAGE}</strong>:{' '}
              {uncertainReason(lessSure((result.serverCertainty ?? result.localCertainty)!, result.localCertainty))}.
            </p>
          )}
          <table className="network-table">
            <tbody>
              <tr>
                <th scope="row">Server&apos;s answer, decrypted here</th>
                <td
                  data-testid="he-server-class"
                  data-class={result.classes[result.serverClassIndex]}
                  data-uncertain={verdictAttribute(result.serverCertainty)}
                >
                  {answerText(result.classes[result.serverClassIndex], result.serverCertainty)}
                </td>
              </tr>
              <tr>
                <th scope="row">This device&apos;s answer</th>
                <td
                  data-testid="he-local-class"
                  data-class={result.classes[result.localClassIndex]}
                  data-uncertain={verdictAttribute(result.localCertainty)}
                >
                  {answerText(result.classes[result.localClassIndex], result.localCertainty)}
                </td>
              </tr>
              <tr>
                <th scope="row">Same answer</th>
                <td data-testid="he-agree" data-agree={String(result.agree)}>
                  {result.agree ? 'yes' : 'no'}
                </td>
              </tr>
              <tr>
                <th scope="row">Largest difference between the two sets of scores</th>
                <td data-testid="he-diff" data-value={String(result.maxAbsLogitDiff)}>
                  {result.maxAbsLogitDiff.toExponential(1)}
                </td>
              </tr>
              <tr>
                <th scope="row">Time: encrypt, send, answer, decrypt</th>
                <td data-testid="he-ms" data-value={String(result.ms)}>
                  {result.ms.toFixed(0)} ms (opening the session: {result.sessionMs.toFixed(0)} ms)
                </td>
              </tr>
              <tr>
                <th scope="row">Bytes sent and received</th>
                <td data-testid="he-bytes" data-up={String(result.bytesUp)} data-down={String(result.bytesDown)}>
                  {describeSizes(result)}
                </td>
              </tr>
            </tbody>
          </table>
          <p className="hint" data-testid="he-server-saw">
            {serverSawSentence(result)}
          </p>
        </div>
      )}
    </section>
  );
}
