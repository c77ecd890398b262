/**
 * The evaluation suite behind `cipherscan eval` and the committed reports: plain
 * metrics; with a key, encrypted-domain metrics of the adapted model; optional
 * rows for the unadapted model on encrypted images (expected near chance),
 * test-time bit-flip / Gaussian attacks on 10 % and 20 % of the encrypted values,
 * and AES-GCM ciphertext rendered as an image (chance, as it must be).
 * No filesystem access; the key's plan is used, never reported.
 */
import * as tf from '@tensorflow/tfjs';
import { gather } from '../../lib/cipher/bpe/bpe';
import type { BpePlan } from '../../lib/cipher/bpe/plan';
import { bpeProtectedInput } from '../../lib/cipher/bpe/protection';
import { bitFlipAttack } from '../../lib/attacks/bitFlip';
import { gaussianNoiseAttack } from '../../lib/attacks/gaussianNoise';
import { adaptModel, type DiagnosisModel } from '../../lib/models/model';
import { predictSet, type ImageSet } from './batchPredict';
import { compareLogits } from './keyedEval';
import { eceAt, expectedCalibrationError } from './calibration';
import { argmax, classificationReport, rocCurve, type ClassificationReport } from './metrics';
import { wilson, type Rate } from './domainGuardReport';
import { atThreshold } from './selective';
import { featuresOf } from './domainGuardFit';
import { domainVerdict, type DomainGuard } from '../../lib/diagnosis/domainGuard';

export interface EvalModes {
  unadapted?: boolean;
  attacks?: boolean;
  aes?: boolean;
}

export interface AttackRow {
  attack: 'bit-flip' | 'gaussian';
  /** share of the encrypted image's 8-bit values altered */
  fraction: number;
  params: Record<string, number>;
  accuracy: number;
  macroF1: number;
  /** agreement with the adapted model's predictions on the clean encrypted images */
  agreementWithClean: number;
}

export interface EvalReport {
  model: string;
  architecture: string;
  data: string;
  n: number;
  classes: string[];
  backend: string;
  chance: number;
  plain: ClassificationReport & {
    msPerImage: number;
    msSingleImage: number;
    roc: { fpr: number[]; tpr: number[] }[];
    /** expected calibration error (15 bins) of the probabilities the model gives (its temperature applied) */
    ece: number;
    /** the same at temperature 1 (raw softmax) */
    eceUncalibrated: number;
    /** the model's temperature (model.json `calibration`; 1 if none) */
    temperature: number;
    /** 95 % Wilson interval of the accuracy */
    accuracyInterval: Rate;
    /** with the model's confidence threshold: share answered and the answers' accuracy (the rest: refer for review) */
    selective?: { minConfidence: number; coverage: Rate; accuracy: Rate };
  };
  /** with the model's out-of-domain guard: the share of these images it accepts */
  domainGuard?: { accepted: Rate; threshold: number };
  encrypted?: ClassificationReport & {
    msPerImage: number;
    agreementWithPlain: number;
    maxAbsLogitDiff: number;
    adaptMs: number;
    keySource: string;
  };
  unadaptedOnEncrypted?: ClassificationReport;
  attacks?: AttackRow[];
  aesCiphertext?: ClassificationReport & { note: string };
}

export interface EvalContext {
  modelName: string;
  dataLabel: string;
  plan?: BpePlan;
  keySource?: string;
  modes?: EvalModes;
  /** the model's out-of-domain guard (domain-guard.json), when it ships one */
  domainGuard?: DomainGuard;
  batch?: number;
  log?: (line: string) => void;
}

/** Share answered above the threshold, and the accuracy of those answers, with Wilson intervals. */
function selectiveFigures(probabilities: number[][], labels: number[], minConfidence: number) {
  const p = atThreshold(probabilities, labels, minConfidence);
  return { minConfidence, coverage: wilson(p.answered, labels.length), accuracy: wilson(p.correct, p.answered) };
}

/** One image's 8-bit values AES-256-GCM encrypted (fresh key and nonce) and cut to the image's size. */
async function aesAsImage(pixels: Uint8Array, key: CryptoKey): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(pixels)));
  return ct.subarray(0, pixels.length);
}

export async function evaluateModel(model: DiagnosisModel, set: ImageSet, ctx: EvalContext): Promise<EvalReport> {
  const log = ctx.log ?? (() => {});
  if (set.classes.join() !== model.classes.join())
    throw new Error(`data classes (${set.classes.join(', ')}) differ from the model's (${model.classes.join(', ')})`);
  const labels = Array.from(set.labels);
  const batch = ctx.batch ?? 32;
  const plainRes = await predictSet(model, set, undefined, { batch });
  const plain = classificationReport(labels, plainRes.probabilities, set.classes);
  // one image at a time, as the page runs it (after the batches above warmed up)
  const single = await predictSet(
    model,
    set,
    Array.from({ length: Math.min(16, labels.length) }, (_, i) => i),
    { batch: 1 },
  );
  const report: EvalReport = {
    model: ctx.modelName,
    architecture: model.config.architecture,
    data: ctx.dataLabel,
    n: labels.length,
    classes: set.classes,
    backend: tf.getBackend(),
    chance: 1 / set.classes.length,
    plain: {
      ...plain,
      msPerImage: plainRes.msPerImage,
      msSingleImage: single.msPerImage,
      ece: expectedCalibrationError(plainRes.probabilities, labels),
      eceUncalibrated: eceAt(plainRes.logits, labels, 1),
      temperature: model.temperature,
      accuracyInterval: wilson(Math.round(plain.accuracy * labels.length), labels.length),
      ...(model.minConfidence !== undefined
        ? { selective: selectiveFigures(plainRes.probabilities, labels, model.minConfidence) }
        : {}),
      roc: set.classes.map((_, c) =>
        rocCurve(
          plainRes.probabilities.map((p) => p[c]),
          labels.map((l) => l === c),
        ),
      ),
    },
  };
  if (ctx.domainGuard) {
    const guard = ctx.domainGuard;
    const accepted = (await featuresOf(model, set, undefined, { batch })).filter(
      (f) => domainVerdict(guard, f).inDomain,
    );
    report.domainGuard = { accepted: wilson(accepted.length, labels.length), threshold: guard.threshold };
    log(`out-of-domain guard: accepts ${accepted.length} of ${labels.length} images`);
  }
  log(
    `plain: accuracy ${(plain.accuracy * 100).toFixed(2)} %, macro-F1 ${plain.macroF1.toFixed(4)}, ${plainRes.msPerImage.toFixed(1)} ms/image in batches of ${batch}, ${single.msPerImage.toFixed(1)} ms one at a time`,
  );
  if (!ctx.plan) return report;
  const plan = ctx.plan;
  const encrypt = (px: Uint8Array) => gather(plan, px);
  const t0 = performance.now();
  const adapted = adaptModel(model, bpeProtectedInput(plan));
  const adaptMs = performance.now() - t0;
  try {
    const encRes = await predictSet(adapted, set, undefined, { batch, transform: encrypt });
    const cmp = compareLogits(plainRes, encRes);
    report.encrypted = {
      ...classificationReport(labels, encRes.probabilities, set.classes),
      msPerImage: encRes.msPerImage,
      agreementWithPlain: cmp.agreement,
      maxAbsLogitDiff: cmp.maxAbsLogitDiff,
      adaptMs,
      keySource: ctx.keySource ?? 'key file',
    };
    log(
      `encrypted: accuracy ${(report.encrypted.accuracy * 100).toFixed(2)} %, agreement ${(cmp.agreement * 100).toFixed(2)} %, max |logit diff| ${cmp.maxAbsLogitDiff.toExponential(2)}, adaptation ${adaptMs.toFixed(1)} ms`,
    );
    if (ctx.modes?.unadapted) {
      const res = await predictSet(model, set, undefined, { batch, transform: encrypt });
      report.unadaptedOnEncrypted = classificationReport(labels, res.probabilities, set.classes);
      log(`unadapted model on encrypted: accuracy ${(report.unadaptedOnEncrypted.accuracy * 100).toFixed(2)} %`);
    }
    if (ctx.modes?.attacks) {
      const cleanPred = encRes.probabilities.map(argmax);
      report.attacks = [];
      for (const attack of ['bit-flip', 'gaussian'] as const) {
        for (const fraction of [0.1, 0.2]) {
          const params: Record<string, number> = attack === 'bit-flip' ? { bit: 7 } : { mu: 0, sigma: 20 };
          const transform = (px: Uint8Array, i: number) => {
            const image = { width: set.size, height: set.size, data: encrypt(px) };
            const seed = 1000 + i;
            return (
              attack === 'bit-flip'
                ? bitFlipAttack(image, { bit: 7, fraction, seed })
                : gaussianNoiseAttack(image, { mu: 0, sigma: 20, fraction, seed })
            ).data;
          };
          const res = await predictSet(adapted, set, undefined, { batch, transform });
          const r = classificationReport(labels, res.probabilities, set.classes);
          const agree = res.probabilities.filter((p, i) => argmax(p) === cleanPred[i]).length / labels.length;
          report.attacks.push({
            attack,
            fraction,
            params,
            accuracy: r.accuracy,
            macroF1: r.macroF1,
            agreementWithClean: agree,
          });
          log(`${attack} on ${fraction * 100} % of encrypted values: accuracy ${(r.accuracy * 100).toFixed(2)} %`);
        }
      }
    }
    if (ctx.modes?.aes) {
      const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt']);
      const per = set.size * set.size * 3;
      const pixels = new Uint8Array(set.pixels.length);
      for (let i = 0; i < labels.length; i++)
        pixels.set(await aesAsImage(set.pixels.subarray(i * per, (i + 1) * per), key), i * per);
      const res = await predictSet(adapted, { ...set, pixels }, undefined, { batch });
      report.aesCiphertext = {
        ...classificationReport(labels, res.probabilities, set.classes),
        note: 'AES-256-GCM ciphertext of each 200x200 RGB input, fresh key and nonce, first S*S*3 bytes shown as an image, fed to the key-adapted model',
      };
      log(
        `AES-GCM ciphertext as image: accuracy ${(report.aesCiphertext.accuracy * 100).toFixed(2)} % (chance ${(100 / set.classes.length).toFixed(1)} %)`,
      );
    }
  } finally {
    adapted.dispose();
  }
  return report;
}
