/**
 * One scan's diagnosis: the plain model on the original next to the key-adapted
 * model on the encrypted image, each with its class, probabilities and latency,
 * (its name for people, classNames.ts), and below them whether they agree, the largest logit difference and the cost
 * of adaptation (target under 100 ms) and encryption.
 * The model's out-of-domain verdict comes first (issue 18): when the scan does not
 * look like what the model was trained on, the classes are hidden behind a
 * "show anyway" disclosure. So is an uncertain one (below the model's confidence
 * threshold): "Uncertain — refer for review" comes first.
 * An ensemble shows the combined answer the same way, each member's class in
 * small print with the columns, and names the member whose guard refused.
 */
import type { SideBySideDiagnosis } from '../../../lib/diagnosis/session';
import { diagnosisRefused } from '../../../lib/diagnosis/declaredModality';
import { classLabel } from '../../../lib/models/classNames';
import { ProbabilityBars } from './ProbabilityBars';
import { DomainVerdictNotice } from './DomainVerdictNotice';
import { CertaintyNotice, isUncertain } from './CertaintyNotice';
import { UNCERTAIN_MESSAGE } from '../../../lib/diagnosis/abstention';
import { EnsembleMembers } from './EnsembleMembers';
import { agreementSentence } from './agreement';

const ADAPT_TARGET_MS = 100;

function ms(v: number): string {
  return `${v.toFixed(v < 10 ? 1 : 0)} ms`;
}

/** One column: the class in people's words, the probabilities and what it cost (test ids `<side>-…`). */
function Side(props: {
  side: 'plain' | 'encrypted';
  title: string;
  prediction: SideBySideDiagnosis['plain']['prediction'];
  classes: string[];
  latency: string;
}) {
  const { side, prediction } = props;
  return (
    <section className="side" data-testid={`diagnosis-${side}`}>
      <h3>{props.title}</h3>
      <p className="side-class" data-testid={`${side}-class`}>
        {classLabel(prediction.className)}
      </p>
      <ProbabilityBars
        classes={props.classes}
        probabilities={prediction.probabilities}
        predicted={prediction.classIndex}
        testId={`${side}-probabilities`}
      />
      <p className="hint" data-testid={`${side}-latency`}>
        {props.latency}
      </p>
    </section>
  );
}

/** The outcome in one sentence, for the page's live region: what a screen reader announces. */
export function outcomeSentence(result: SideBySideDiagnosis): string {
  if (diagnosisRefused(result)) return 'No diagnosis: the scan was refused; the reason is shown.';
  if (isUncertain(result.plain.certainty, result.encrypted.certainty)) return `${UNCERTAIN_MESSAGE}.`;
  const answer = `Diagnosis: ${classLabel(result.plain.prediction.className)}`;
  return result.agree ? `${answer}, the same on the encrypted image.` : `${answer}; the encrypted side DISAGREES.`;
}

export function SideBySideResult({ result }: { result: SideBySideDiagnosis }) {
  const { plain, encrypted, classes } = result;
  // refused when either side is refused (they agree when adaptation is right)
  const refused = diagnosisRefused(result);
  const uncertain = isUncertain(plain.certainty, encrypted.certainty);
  const what = result.members ? 'ensemble' : 'model';
  const refusedBy = (result.domainRefusedBy ?? []).map((m) => m.label);
  const columns = (
    <>
      <div className="side-by-side-columns">
        <Side
          side="plain"
          title={`Plain ${what} · original`}
          prediction={plain.prediction}
          classes={classes}
          latency={`inference ${ms(plain.ms)}`}
        />
        <Side
          side="encrypted"
          title={`Key-adapted ${what} · encrypted image`}
          prediction={encrypted.prediction}
          classes={classes}
          latency={
            `encryption ${ms(encrypted.encryptMs)} + inference ${ms(encrypted.ms)}` +
            (encrypted.inputPath === 'gpu-buffer'
              ? ' · encrypted image fed to the model on the GPU (no CPU round trip)'
              : '')
          }
        />
      </div>
      <EnsembleMembers result={result} />
    </>
  );
  return (
    <div
      className="side-by-side"
      data-testid="diagnosis-result"
      data-agree={result.agree}
      data-in-domain={!refused}
      data-uncertain={uncertain}
    >
      <DomainVerdictNotice
        classes={classes}
        plain={plain.domain}
        encrypted={encrypted.domain}
        refusedBy={refusedBy}
        declared={result.declaredModality}
      />
      {refused ? null : <CertaintyNotice plain={plain.certainty} encrypted={encrypted.certainty} />}
      {refused || uncertain ? (
        <details className="domain-show-anyway" data-testid="domain-show-anyway">
          <summary>Show the model&apos;s leaning anyway (not a diagnosis)</summary>
          {columns}
        </details>
      ) : (
        columns
      )}
      <p className={result.agree ? 'agreement agree' : 'agreement disagree'} data-testid="diagnosis-agreement">
        {agreementSentence(result.agree, refused || uncertain)}
        <span className="logit-difference"> · largest logit difference {result.maxAbsLogitDiff.toExponential(1)}</span>
      </p>
      <p className="hint" data-testid="adaptation-time">
        Adaptation to this key: {ms(encrypted.adaptMs)}{' '}
        {encrypted.adaptMs < ADAPT_TARGET_MS
          ? `(under the ${ADAPT_TARGET_MS} ms target)`
          : `(over the ${ADAPT_TARGET_MS} ms target)`}
        {encrypted.adaptedNow ? '' : ', made earlier for this key and reused'} · backend {result.backend}
      </p>
    </div>
  );
}
