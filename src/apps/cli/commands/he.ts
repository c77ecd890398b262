/**
 * `cipherscan he keygen --out he.json` and
 * `cipherscan he infer --server URL --account A.json --he he.json --model public/models/NAME --in FILE [--json] [--repeat N]`
 * (docs/server.md "Encrypted inference", DESIGN.md §9).
 *
 * keygen: a CKKS secret key made here, written to a new file with mode 0600; it
 * never leaves this machine.
 * infer: the scan's class-token features are computed here with the model, encrypted
 * under that key, sent to the server, which applies the model's head on ciphertext;
 * the logits come back encrypted and are decrypted here. Nothing decrypted is sent
 * back to the server (so no noise flooding is needed on this path). The same model
 * runs here in plain on the same file for `agree` and `maxAbsLogitDiff`.
 * Before anything is sent, the checks the local diagnosis makes: a file that declares another
 * modality, or an image the model's out-of-domain guard refuses, gets the same sentence and
 * nothing goes to the server (`--json`: `inDomain: false`, `sentToServer: false`). The decrypted
 * answer is read through the model's temperature: below its threshold, "Uncertain — refer for
 * review" comes first (`--json`: `uncertain`, `confidence`, `minConfidence`).
 * `msPerImage` is encrypt + HTTP round trip + decrypt for one image, the median of
 * `--repeat` runs after one warm-up; opening the session (Galois keys up once) is
 * `sessionMs` apart.
 */
import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  flag,
  optionalNumber,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
  options,
} from '../args';
import { decodeOptionsFrom, loadImage, DECODE_OPTIONS } from '../io';
import { CkksKeyFileError, newCkksKeyFile, openCkksClient, parseCkksKeyFile } from '../he/ckksKeyFile';
import { signIn, SIGN_IN_OPTIONS } from '../serverSession';
import { MODEL_INPUT_SIZE } from '../../../lib/image/modelInput';
import { toModelInput } from '../../../lib/image/resize';
import { certaintyOfLogits, UNCERTAIN_MESSAGE, uncertainReason } from '../../../lib/diagnosis/abstention';
import { modalityVerdict, refusalSentence, type ModalityVerdict } from '../../../lib/diagnosis/declaredModality';
import { argmax } from '../../../lib/diagnosis/compareLogits';
import { maxAbsDiff } from '../../../lib/diagnosis/ensembleSession';
import { DiagnosisSession, type PlainFeatures } from '../../../lib/diagnosis/session';
import { heEndSession, heInfer, heSession, ServerError, type HeInferResult } from '../../../lib/serverClient';
import { loadSeal } from '../../../platform/node/seal';
import { receiveKey, shareKey, RECEIVE_KEY_OPTIONS, SHARE_KEY_OPTIONS } from '../he/shareKey';

const USAGE =
  'usage: he keygen --out he.json | he infer --server URL --account A.json --he he.json --model DIR --in FILE [--json]' +
  ' | he share --server URL --account A.json --he he.json --to NAME --network NET --out FILE' +
  ' | he receive --server URL --account A.json --in FILE --from NAME --network NET --out he.json';

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  subcommands: {
    keygen: { values: ['out'], flags: [] },
    infer: options(SIGN_IN_OPTIONS, DECODE_OPTIONS, { values: ['model', 'in', 'he', 'repeat'], flags: ['json'] }),
    share: SHARE_KEY_OPTIONS,
    receive: RECEIVE_KEY_OPTIONS,
  },
};

export async function run(args: ParsedArgs): Promise<void> {
  const [action, ...rest] = args.positionals;
  if (rest.length > 0) throw new UsageError(USAGE);
  if (action === 'keygen') return keygen(args);
  if (action === 'infer') return infer(args);
  if (action === 'share') return shareKey(args);
  if (action === 'receive') return receiveKey(args);
  throw new UsageError(USAGE);
}

async function keygen(args: ParsedArgs): Promise<void> {
  const out = requireOption(args, 'out');
  if (existsSync(out)) throw new UsageError(`${out} exists already: choose another --out (nothing was changed)`);
  const file = newCkksKeyFile(await loadSeal());
  const handle = await open(out, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(file) + '\n');
  } finally {
    await handle.close();
  }
  console.log(JSON.stringify({ written: out, params: file.params, mode: '0600' }));
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function infer(args: ParsedArgs): Promise<void> {
  const dir = resolve(requireOption(args, 'model'));
  const input = requireOption(args, 'in');
  const hePath = requireOption(args, 'he');
  const repeat = optionalNumber(args, 'repeat', 5);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) throw new UsageError('--repeat must be 1 to 100');
  let keyFile;
  try {
    keyFile = parseCkksKeyFile(await readFile(hePath, 'utf8'));
  } catch (err) {
    if (err instanceof CkksKeyFileError) throw new UsageError(`${hePath}: ${err.message}`);
    throw new UsageError(`cannot read ${hePath}`);
  }
  const name = basename(dir);
  if (!existsSync(join(dir, 'model.json'))) throw new UsageError(`${dir} is not a model folder (no model.json)`);

  // plain, here: features for the server, the reference logits, and the checks the local diagnosis makes
  if (!(await tf.setBackend('wasm'))) throw new Error('could not start the tfjs wasm backend');
  await tf.ready();
  const session = new DiagnosisSession();
  let local: PlainFeatures;
  let classes: string[];
  let declared: ModalityVerdict | undefined;
  try {
    const info = await session.loadModel(name, { loader: async (f) => new Uint8Array(await readFile(join(dir, f))) });
    const decoded = await loadImage(input, decodeOptionsFrom(args));
    local = await session.plainFeatures(name, toModelInput(decoded.image, MODEL_INPUT_SIZE));
    classes = info.classes;
    declared = modalityVerdict(classes, decoded.dicom?.modality);
  } finally {
    session.dispose();
  }
  // a scan the model refuses (another modality declared, or the image guard) is refused before anything is sent
  const refusal = refusalSentence(classes, local.domain, declared?.declared);
  if (refusal) {
    const out = {
      model: name,
      inDomain: false,
      diagnosisWithheld: true,
      reason: refusal,
      ...(declared ? { declaredModality: declared } : {}),
      ...(local.domain ? { domainScore: local.domain.score, domainThreshold: local.domain.threshold } : {}),
      sentToServer: false,
    };
    console.log(flag(args, 'json') ? JSON.stringify(out) : `${name}: ${refusal} Nothing was sent to the server.`);
    return;
  }
  const features = local.features;
  const plain = local.prediction;
  const calibration = local.calibration;

  const seal = await loadSeal();
  const ckks = openCkksClient(seal, keyFile, { features: features.length, classes: classes.length });
  try {
    const { client } = await signIn(args);
    const t0 = performance.now();
    const session = await refused(heSession(client, { model: name, galoisKeys: ckks.evaluationKeys() }), name);
    const sessionMs = performance.now() - t0;
    try {
      if (session.features !== features.length || session.classes !== classes.length)
        throw new Error(`the server's ${name} head has another shape than this model: not the same model`);
      let last: { result: HeInferResult; logits: Float64Array } | undefined;
      const times: number[] = [];
      for (let run = 0; run <= repeat; run++) {
        const t = performance.now();
        const result = await refused(heInfer(client, session.session, ckks.encrypt([features])), name);
        const [logits] = ckks.decrypt(result.logits); // stays here: never sent back
        if (run > 0) times.push(performance.now() - t); // run 0 warms up
        last = { result, logits };
      }
      const { result, logits } = last!;
      const classIndex = argmax(logits);
      const diff = maxAbsDiff(logits, plain.logits);
      // the decrypted answer read as the model reads its own: below the threshold, "Uncertain" first
      // (uncertain when either side is: they agree to CKKS noise)
      const certainty = calibration ? certaintyOfLogits(logits, calibration) : undefined;
      const uncertain = certainty ? certainty.uncertain || local.certainty!.uncertain : null;
      const out = {
        model: name,
        inDomain: local.domain ? true : null,
        ...(certainty
          ? {
              uncertain,
              confidence: certainty.confidence,
              plainConfidence: local.certainty!.confidence,
              minConfidence: certainty.minConfidence,
            }
          : { uncertain: null, abstention: 'no threshold shipped with this model' }),
        params: session.params,
        className: classes[classIndex],
        classIndex,
        plainClassName: plain.className,
        agree: classIndex === plain.classIndex,
        maxAbsLogitDiff: diff,
        logits: Array.from(logits),
        plainLogits: Array.from(plain.logits),
        msPerImage: median(times),
        runs: times.length,
        sessionMs,
        galoisKeyBytes: ckks.evaluationKeys().length,
        bytesUp: result.bytesUp,
        bytesDown: result.bytesDown,
      };
      if (flag(args, 'json')) console.log(JSON.stringify(out));
      else {
        if (uncertain) console.log(`${UNCERTAIN_MESSAGE}: ${uncertainReason(certainty!)}.`);
        const answer = uncertain ? `${UNCERTAIN_MESSAGE} (leaning: ${out.className})` : out.className;
        console.log(
          `${name} on ciphertext: ${answer} (plain: ${out.plainClassName}, ${out.agree ? 'agree' : 'DISAGREE'}); ` +
            `largest logit difference ${diff.toExponential(1)}; ${out.msPerImage.toFixed(1)} ms per image; ` +
            `${(out.bytesUp / 1000).toFixed(1)} KB up, ${(out.bytesDown / 1000).toFixed(1)} KB down ` +
            `(session: ${(out.galoisKeyBytes / 1e6).toFixed(2)} MB of Galois keys, ${sessionMs.toFixed(0)} ms)`,
        );
      }
    } finally {
      await heEndSession(client, session.session).catch(() => undefined);
    }
  } finally {
    ckks.dispose();
  }
}

/** A 404 on these routes means the server has no such model (or the session expired). */
async function refused<T>(work: Promise<T>, model: string): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ServerError && err.status === 404)
      throw new Error(`the server has no model named ${model} (it serves the shipped models), or the session ended`, {
        cause: err,
      });
    throw err;
  }
}
