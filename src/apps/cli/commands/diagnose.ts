/**
 * `cipherscan diagnose --model DIR --in FILE [--key KEY.json] [--frame N] [--window N] [--json]`
 * One scan through a trained model, as the web page does it: the plain model on
 * the original model input and, with a key, the key-adapted model on the
 * BPE-encrypted image (class, probabilities, logits, latency, agreement).
 * Text output names classes for people (classNames.ts); --json keeps the id
 * as `class` and adds the person's name as `label`.
 * Same code as the page's worker (src/lib/diagnosis/session.ts), tfjs on wasm.
 * Out-of-domain guard (issue 18): a DICOM file declaring a modality the model's domain is not
 * (a CT for a brain-MRI model; lib/diagnosis/declaredModality.ts) is refused first, --json
 * `inDomain: false` with `declaredModality` {declared, expected, inDomain}. With the model's domain-guard.json, --json has
 * top-level `inDomain`, `domainScore`, `domainThreshold` (and `domainAgree` with
 * a key: plain and encrypted verdicts must match); the text output says the
 * verdict in words first and withholds the class when the image is refused
 * (--json still carries it under plain/encrypted, with `diagnosisWithheld`).
 * Abstention (issue 18): with the model's `calibration.minConfidence`, --json has
 * top-level `uncertain`, `confidence`, `minConfidence`; the text output says
 * "Uncertain — refer for review" and the reason before the probabilities.
 * Ensemble (issue 18): --model models/ensemble-DS (ensemble.json, members in the
 * sibling folders) answers with the same fields, from the mean of the members'
 * calibrated probabilities and the ensemble's threshold, plus `members` (each
 * member's own result) and `domainRefusedBy` (members whose guard refused:
 * { model, architecture, label }; the text output names them by label, "ViT");
 * the image is encrypted once for both members.
 * Never prints pixels or key material.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  flag,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
  options,
} from '../args';
import { decodeOptionsFrom, loadImage, loadKey, DECODE_OPTIONS } from '../io';
import { MODEL_INPUT_SIZE } from '../../../lib/image/modelInput';
import { toModelInput } from '../../../lib/image/resize';
import { DiagnosisSession, type TimedPrediction } from '../../../lib/diagnosis/session';
import { classLabel } from '../../../lib/models/classNames';
import { domainNameFor, outOfDomainMessage, type DomainVerdict } from '../../../lib/diagnosis/domainGuard';
import { modalityMessage, modalityVerdict, type ModalityVerdict } from '../../../lib/diagnosis/declaredModality';
import { UNCERTAIN_MESSAGE, uncertainReason, type ConfidenceVerdict } from '../../../lib/diagnosis/abstention';
import { ENSEMBLE_FILE, MEMBER_LABELS } from '../../../lib/diagnosis/ensemble';
import {
  ensembleSourceFromLoader,
  type LabelledMember,
  type MemberDiagnosis,
} from '../../../lib/diagnosis/ensembleSession';
import type { ModelSource } from '../../../lib/models/model';

function side(p: TimedPrediction) {
  return {
    class: p.prediction.className,
    label: classLabel(p.prediction.className),
    classIndex: p.prediction.classIndex,
    probabilities: p.prediction.probabilities,
    logits: p.prediction.logits,
    ms: p.ms,
    ...(p.domain ? { domain: p.domain } : {}),
  };
}

/**
 * Top-level guard fields: refused when either side is refused (they agree when adaptation is right),
 * or when the DICOM file declares a modality the model's domain is not (`declaredModality`).
 */
function domainFields(
  plain: DomainVerdict | undefined,
  encrypted: DomainVerdict | undefined,
  declared: ModalityVerdict | undefined,
): Record<string, unknown> {
  const declaration = declared ? { declaredModality: declared } : {};
  if (!plain)
    return declared?.inDomain === false
      ? { inDomain: false, ...declaration, domainGuard: 'none shipped with this model', diagnosisWithheld: true }
      : { inDomain: null, ...declaration, domainGuard: 'none shipped with this model' };
  const inDomain = plain.inDomain && (encrypted?.inDomain ?? true) && declared?.inDomain !== false;
  return {
    inDomain,
    ...declaration,
    domainScore: plain.score,
    domainThreshold: plain.threshold,
    ...(plain.intensity
      ? { intensityScore: plain.intensity.score, intensityThreshold: plain.intensity.threshold }
      : {}),
    ...(encrypted ? { domainAgree: encrypted.inDomain === plain.inDomain, encryptedDomainScore: encrypted.score } : {}),
    ...(encrypted?.intensity ? { encryptedIntensityScore: encrypted.intensity.score } : {}),
    diagnosisWithheld: !inDomain,
  };
}

/** Top-level certainty: uncertain when either side is (they agree when adaptation is right). */
function certaintyFields(plain?: ConfidenceVerdict, encrypted?: ConfidenceVerdict): Record<string, unknown> {
  if (!plain) return { uncertain: null, abstention: 'no threshold shipped with this model' };
  return {
    uncertain: plain.uncertain || (encrypted?.uncertain ?? false),
    confidence: plain.confidence,
    minConfidence: plain.minConfidence,
  };
}

function folderLoader(dir: string): { loader: (file: string) => Promise<Uint8Array> } {
  return {
    loader: async (file) => {
      try {
        return new Uint8Array(await readFile(join(dir, file)));
      } catch {
        throw new UsageError(`${dir} is not a model folder (no ${file})`);
      }
    },
  };
}

/** An ensemble's members in --json: each one's own answer on each side. */
function memberFields(members?: MemberDiagnosis[], refusedBy?: LabelledMember[]): Record<string, unknown> {
  if (!members) return {};
  return {
    members: members.map((m) => ({
      model: m.model,
      architecture: m.architecture,
      plain: side(m.plain),
      ...(m.encrypted ? { encrypted: side(m.encrypted), agree: m.agree, maxAbsLogitDiff: m.maxAbsLogitDiff } : {}),
    })),
    domainRefusedBy: refusedBy ?? [],
  };
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(1) : '?';
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = options(DECODE_OPTIONS, {
  values: ['model', 'in', 'key', 'passphrase'],
  flags: ['json'],
});

export async function run(args: ParsedArgs): Promise<void> {
  const dir = resolve(requireOption(args, 'model'));
  const input = requireOption(args, 'in');
  const keyPath = optionalString(args, 'key');
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
  const session = new DiagnosisSession();
  const name = basename(dir);
  try {
    const info = existsSync(join(dir, ENSEMBLE_FILE))
      ? await session.loadEnsemble(
          name,
          await ensembleSourceFromLoader(folderLoader(dir).loader, (member): ModelSource =>
            folderLoader(join(dirname(dir), member)),
          ),
        )
      : await session.loadModel(name, folderLoader(dir));
    const decoded = await loadImage(input, decodeOptionsFrom(args));
    const image = toModelInput(decoded.image, MODEL_INPUT_SIZE);
    const classes = info.classes;
    // what the DICOM file says it is (absent for PNG/JPEG and "OT"): a CT is refused by a brain-MRI model
    const declared = modalityVerdict(classes, decoded.dicom?.modality);
    let out: Record<string, unknown>;
    if (keyPath) {
      const key = await loadKey(keyPath, optionalString(args, 'passphrase'));
      const r = await session.diagnose(name, image, key);
      out = {
        model: name,
        ...domainFields(r.plain.domain, r.encrypted.domain, declared),
        ...certaintyFields(r.plain.certainty, r.encrypted.certainty),
        classes,
        backend: r.backend,
        plain: side(r.plain),
        encrypted: { ...side(r.encrypted), encryptMs: r.encrypted.encryptMs, adaptMs: r.encrypted.adaptMs },
        agree: r.agree,
        maxAbsLogitDiff: r.maxAbsLogitDiff,
        ...(r.maxAbsProbabilityDiff !== undefined ? { maxAbsProbabilityDiff: r.maxAbsProbabilityDiff } : {}),
        ...memberFields(r.members, r.domainRefusedBy),
      };
    } else {
      const plain = await session.predictPlain(name, image);
      out = {
        model: name,
        ...domainFields(plain.domain, undefined, declared),
        ...certaintyFields(plain.certainty),
        classes,
        backend: tf.getBackend(),
        plain: side(plain),
        ...memberFields(plain.members, plain.domainRefusedBy),
      };
    }
    if (flag(args, 'json')) {
      console.log(JSON.stringify(out));
      return;
    }
    const plain = out.plain as ReturnType<typeof side>;
    console.log(`${name} (${tf.getBackend()})`);
    const verdict = `score ${fmt(out.domainScore)}, threshold ${fmt(out.domainThreshold)}`;
    const refusedBy = ((out.domainRefusedBy as LabelledMember[] | undefined) ?? []).map((m) => m.label);
    if (declared?.inDomain === false) {
      console.log(`  ${modalityMessage(declared, classes)}`);
      return;
    }
    if (out.inDomain === false) {
      console.log(
        `  ${outOfDomainMessage(domainNameFor(classes))} (${verdict}${refusedBy.length ? `; refused by ${refusedBy.join(', ')}` : ''})`,
      );
      if (out.domainAgree === false) console.log('  (the plain and encrypted verdicts DISAGREE)');
      return;
    }
    if (out.inDomain === true)
      console.log(`  Looks like a ${domainNameFor(classes)} the model was trained on (${verdict}).`);
    else console.log('  (this model ships no out-of-domain guard: it answers every image)');
    const uncertain = out.uncertain === true;
    if (uncertain)
      console.log(
        `  ${UNCERTAIN_MESSAGE}: ${uncertainReason({ confidence: out.confidence as number, minConfidence: out.minConfidence as number, uncertain: true })}.`,
      );
    // below the threshold no class is given (abstention.ts): each side's class is a leaning, and says so
    const answer = (label: string) => (uncertain ? `(leaning: ${label}, not a diagnosis)` : label);
    console.log(
      `  plain model, original:      ${answer(plain.label)}  [${classes.map((c, i) => `${classLabel(c)} ${pct(plain.probabilities[i])}`).join(', ')}]  ${plain.ms.toFixed(1)} ms`,
    );
    if (out.encrypted) {
      const enc = out.encrypted as ReturnType<typeof side> & { adaptMs: number };
      console.log(
        `  adapted model, encrypted:   ${answer(enc.label)}  [${classes.map((c, i) => `${classLabel(c)} ${pct(enc.probabilities[i])}`).join(', ')}]  ${enc.ms.toFixed(1)} ms`,
      );
      console.log(
        `  ${out.agree ? 'agree' : 'DISAGREE'}; largest logit difference ${(out.maxAbsLogitDiff as number).toExponential(1)}; adaptation ${enc.adaptMs.toFixed(1)} ms`,
      );
    }
    for (const m of (out.members as { architecture: 'vit' | 'cnn'; plain: { label: string } }[] | undefined) ?? [])
      console.log(`  member ${MEMBER_LABELS[m.architecture]}: ${answer(m.plain.label)}`);
  } finally {
    session.dispose();
  }
}
