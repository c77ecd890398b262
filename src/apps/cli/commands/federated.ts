/**
 * `cipherscan federated simulate --data DS --hospitals 3 --split iid|dirichlet:0.5
 *   --method ridge --out DIR [--json report.json] [--model public/models/NAME]
 *   [--seed 1] [--rounds 20] [--cache DIR]` (issue 17 (a), DESIGN.md §9).
 *
 * Simulates, in one process, hospitals that fit a model head together by one-shot
 * ridge regression from CKKS-encrypted sufficient statistics that an aggregator
 * sums without a key (src/lib/federated). `--transport http` runs every hospital
 * as its own process talking HTTP to the server (federatedHttp.ts,
 * federatedHospital.ts). `--method fedavg [--rounds 40 --local-epochs 1 --lr 0.1 --dropout 0
 * --quorum 2]` runs FedAvg of the same head with CKKS-encrypted updates every
 * round, beside the ridge protocol and a centralised SGD baseline in the same run
 * (federatedFedAvg.ts), and writes the FedAvg head into DIR. `--method ridge
 * --dp-epsilon E [--dp-delta D --dp-clip C]` adds Gaussian differential privacy to
 * the summed statistics (differentialPrivacy.ts).
 *
 * Features are the shipped model's class-token / pooled features of DS/Training
 * and DS/Testing (cached, federatedFeatures.ts). Testing is used once, for the
 * report: the federated head, the centralised ridge head on the same features,
 * and the shipped (trained logistic) head, each with a 95 % Wilson interval.
 * When the model trained on all labelled data (its card's data.allLabelled,
 * labelledData.ts `testingScope`), its trunk saw every Testing image: the report's
 * `testing` says `inSample: true` with the sentence why, and the figures only
 * compare the heads with one another.
 * DIR receives the shipped model's files with head.w and head.b replaced; it has
 * no calibration (temperature 1: the ridge logits are not the trained head's).
 * Its trunk is the shipped model's, so where that trained on all labelled data DIR
 * gets a model-card.json saying so: eval, calibrate and the rest then compute no
 * held-out Testing figure for it either.
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  optionalNumber,
  optionalString,
  requireOption,
  UsageError,
  type ParsedArgs,
  type CommandOptions,
  options,
} from '../args';
import { splitFeatures } from './federatedFeatures';
import { parseManifest, deserializeWeights, serializeModel } from '../../../lib/models/weightsFile';
import { parseSplit, splitHospitals } from '../../../lib/federated/hospitalSplit';
import { accuracy, solveRidge, statistics, type RidgeHead } from '../../../lib/federated/ridge';
import { centralisedRidge, gradientTraffic, simulateRidge } from '../../../lib/federated/simulateRidge';
import { loadSeal } from '../../../platform/node/seal';
import { FEDAVG_DEFAULTS, type FedAvgOptions } from '../../../lib/federated/fedavgHead';
import { fedavgReport } from './federatedFedAvg';
import { readTrainedOn, testingScope, type TestingScope } from '../../../learn/training/labelledData';
import { wilson } from '../../../learn/evaluation/domainGuardReport';
import { analyticGaussianSigma, statisticsSensitivity } from '../../../lib/federated/differentialPrivacy';
import { HOSPITAL_OPTIONS } from './federatedHospital';
import { HTTP_SIMULATION_OPTIONS } from './federatedHttp';

const USAGE =
  'usage: federated simulate --data DS --hospitals N --split iid|dirichlet:ALPHA --method ridge|fedavg --out DIR [--json R.json] [--model DIR] [--seed S] [--rounds R] [--local-epochs E --lr LR --dropout P --quorum Q] [--transport http [--server URL --accounts A,B,C] [--round-seconds S] [--late SEAT:ROUND:SECONDS]] | federated hospital --server URL --account A.json --network ID --seat S --coordinator NAME --data DS ...';

type ModelFiles = Awaited<ReturnType<typeof readModel>>;

async function readModel(modelDir: string) {
  const manifest = parseManifest(await readFile(join(modelDir, 'model.json'), 'utf8'));
  const weights = deserializeWeights(manifest, new Uint8Array(await readFile(join(modelDir, manifest.weightsFile))));
  return { dir: modelDir, manifest, weights };
}

/** The head the model ships with (trained logistic head), as a RidgeHead for scoring. */
function shippedHead({ weights }: ModelFiles): RidgeHead {
  return {
    features: weights['head.w'].shape[0],
    classes: weights['head.w'].shape[1],
    weights: Float64Array.from(weights['head.w'].data),
    bias: Float64Array.from(weights['head.b'].data),
  };
}

/** DIR: the shipped model with `head` in place of its own (no calibration: temperature 1). */
async function writeModelDir(model: ModelFiles, out: string, head: RidgeHead) {
  const { manifest, dir: modelDir } = model;
  const weights = { ...model.weights };
  weights['head.w'] = { shape: weights['head.w'].shape, data: Float32Array.from(head.weights) };
  weights['head.b'] = { shape: weights['head.b'].shape, data: Float32Array.from(head.bias) };
  const { manifest: written, bytes } = serializeModel(manifest.config, weights, manifest.dtype);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'model.json'), JSON.stringify(written) + '\n');
  await writeFile(join(out, written.weightsFile), bytes);
  for (const extra of ['model-card.json', 'README.md']) {
    await copyFile(join(modelDir, extra), join(out, `shipped-${extra}`)).catch(() => undefined);
  }
  const trainedOn = await readTrainedOn(modelDir);
  if (trainedOn.allLabelled) {
    const card = {
      name: basename(out),
      trunk: `${modelDir} (trained on all labelled data); head fitted by cipherscan federated simulate`,
      data: { allLabelled: true, sources: trainedOn.sources },
    };
    await writeFile(join(out, 'model-card.json'), JSON.stringify(card, null, 1) + '\n');
  }
  return written;
}

/**
 * --dp-epsilon E [--dp-delta 1e-5] [--dp-clip C]: Gaussian DP on the summed statistics
 * (differentialPrivacy.ts). C defaults to √d, the norm a LayerNorm'd feature row has
 * (a public constant, not read from the data).
 */
function dpSettings(epsilon: number, args: ParsedArgs, features: number) {
  const delta = optionalNumber(args, 'dp-delta', 1e-5);
  const clip = optionalNumber(args, 'dp-clip', Math.sqrt(features));
  if (!(delta > 0 && delta < 1) || !(clip > 0)) throw new UsageError('--dp-delta must be in (0, 1) and --dp-clip > 0');
  const sensitivity = statisticsSensitivity(clip);
  const sigma = analyticGaussianSigma(epsilon, delta, sensitivity);
  return {
    epsilon,
    delta,
    clip,
    sensitivity,
    sigma,
    mechanism: 'analytic Gaussian (Balle & Wang 2018); each hospital adds N(0, σ²/H) before encrypting',
    collusion: 't colluding hospitals know their own noise: against them the sum carries σ²(H − t)/H',
  };
}

/** The report's Testing figures, with whether they are held out and the sentence that says so first. */
function scoped<T extends object>(scope: TestingScope, figures: T): TestingScope & T {
  return { ...scope, ...figures };
}

/** Every option this command reads (args.ts refuses any other before it runs). */
export const OPTIONS: CommandOptions = {
  subcommands: {
    simulate: options(HTTP_SIMULATION_OPTIONS, {
      values: [
        'transport',
        'method',
        'data',
        'out',
        'model',
        'hospitals',
        'seed',
        'rounds',
        'split',
        'cache',
        'json',
      ].concat(['local-epochs', 'lr', 'dropout', 'quorum', 'patience', 'dp-epsilon', 'dp-delta', 'dp-clip']),
    }),
    hospital: HOSPITAL_OPTIONS,
  },
};

export async function run(args: ParsedArgs): Promise<void> {
  const [action, ...rest] = args.positionals;
  if (action === 'hospital' && rest.length === 0) return (await import('./federatedHospital')).runHospital(args);
  if (action !== 'simulate' || rest.length > 0) throw new UsageError(USAGE);
  const transport = optionalString(args, 'transport') ?? 'process';
  if (transport !== 'process' && transport !== 'http') throw new UsageError('--transport process|http');
  const method = optionalString(args, 'method') ?? 'ridge';
  if (method !== 'ridge' && method !== 'fedavg') throw new UsageError(USAGE);
  const data = resolve(requireOption(args, 'data'));
  const out = resolve(requireOption(args, 'out'));
  const modelDir = resolve(optionalString(args, 'model') ?? 'public/models/vit-lung-histopathology');
  const hospitals = optionalNumber(args, 'hospitals', 3);
  const seed = optionalNumber(args, 'seed', 1);
  const rounds = optionalNumber(args, 'rounds', 20);
  const splitText = optionalString(args, 'split') ?? 'iid';
  let split;
  try {
    split = parseSplit(splitText);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!Number.isInteger(hospitals) || hospitals < 2 || hospitals > 32)
    throw new UsageError('--hospitals must be 2 to 32');
  const cache = optionalString(args, 'cache') ?? tmpdir();
  const log = (line: string) => console.error(line);

  const scope = await testingScope(modelDir, "the heads' Testing accuracies");
  if (scope.inSample) log(`in-sample: ${scope.note}`);
  const t0 = performance.now();
  const training = await splitFeatures(modelDir, join(data, 'Training'), cache, log);
  const testing = await splitFeatures(modelDir, join(data, 'Testing'), cache, log);
  const featureMs = performance.now() - t0;
  const classes = training.classes.length;
  const shares = splitHospitals(training.labels, hospitals, split, seed);

  const seal = await loadSeal();
  const model = await readModel(modelDir);
  if (transport === 'http') {
    const t = performance.now();
    const { httpSimulation } = await import('./federatedHttp');
    const shape = { features: training.features[0].length, classes, hospitals, method: method as 'ridge' | 'fedavg' };
    const { head, report } = await httpSimulation(args, seal, shape, log);
    const onTesting = (h: RidgeHead) =>
      wilson(Math.round(accuracy(h, testing.features, testing.labels) * testing.labels.length), testing.labels.length);
    await writeModelDir(model, out, head);
    const full = {
      method:
        method === 'ridge'
          ? 'ridge (one-shot, CKKS-encrypted sufficient statistics)'
          : 'fedavg (CKKS-encrypted updates every round)',
      model: modelDir,
      data,
      split: splitText,
      seed,
      ...report,
      testing: scoped(scope, { federated: onTesting(head), shippedHead: onTesting(shippedHead(model)) }),
      timeMs: { features: featureMs, total: performance.now() - t },
      out,
    };
    const json = optionalString(args, 'json');
    if (json) await writeFile(json, JSON.stringify(full, null, 2) + '\n');
    console.log(JSON.stringify(full));
    return;
  }
  if (method === 'fedavg') {
    const options: FedAvgOptions = {
      seed,
      rounds: optionalNumber(args, 'rounds', FEDAVG_DEFAULTS.rounds),
      localEpochs: optionalNumber(args, 'local-epochs', FEDAVG_DEFAULTS.localEpochs),
      learningRate: optionalNumber(args, 'lr', FEDAVG_DEFAULTS.learningRate),
      batch: FEDAVG_DEFAULTS.batch,
      dropout: optionalNumber(args, 'dropout', FEDAVG_DEFAULTS.dropout),
      quorum: optionalNumber(args, 'quorum', FEDAVG_DEFAULTS.quorum),
      patience: optionalNumber(args, 'patience', FEDAVG_DEFAULTS.patience),
    };
    if (!(options.dropout >= 0 && options.dropout < 1)) throw new UsageError('--dropout is a chance in [0, 1)');
    const {
      fedavgHead: head,
      testing: figures,
      ...report
    } = fedavgReport(seal, { training, testing, classes }, shares, options, shippedHead(model));
    await writeModelDir(model, out, head);
    const full = {
      model: modelDir,
      data,
      split: splitText,
      features: featureMs,
      ...report,
      testing: scoped(scope, figures),
      out,
    };
    const json = optionalString(args, 'json');
    if (json) await writeFile(json, JSON.stringify(full, null, 2) + '\n');
    console.log(JSON.stringify(full));
    return;
  }
  const t1 = performance.now();
  const epsilon = optionalNumber(args, 'dp-epsilon', 0);
  const dp = epsilon > 0 ? dpSettings(epsilon, args, training.features[0].length) : undefined;
  const fed = simulateRidge(seal, training.features, training.labels, classes, shares, seed, dp);
  const protocolMs = performance.now() - t1;
  const central = centralisedRidge(training.features, training.labels, classes, seed);
  // the federated head against a plain solve of the pooled data at the same λ: CKKS' whole effect on the head
  const pooled = solveRidge(
    statistics(training.features, training.labels, training.features[0].length, classes),
    fed.lambda.lambda,
  );
  let headMaxAbsDiff = 0;
  fed.head.weights.forEach((w, i) => (headMaxAbsDiff = Math.max(headMaxAbsDiff, Math.abs(w - pooled.weights[i]))));
  fed.head.bias.forEach((b, i) => (headMaxAbsDiff = Math.max(headMaxAbsDiff, Math.abs(b - pooled.bias[i]))));

  const shipped = shippedHead(model);
  const onTesting = (head: RidgeHead) => {
    const acc = accuracy(head, testing.features, testing.labels);
    return wilson(Math.round(acc * testing.labels.length), testing.labels.length);
  };

  const written = await writeModelDir(model, out, fed.head);

  const bytesPerHospital = Math.max(...fed.hospitals.map((h) => h.bytesSent));
  const sameHead = gradientTraffic((shipped.features + 1) * classes, rounds, fed.bytesPerCiphertext);
  const parameters = written.weights.reduce((s, e) => s + e.shape.reduce((a, b) => a * b, 1), 0);
  const fullModel = gradientTraffic(parameters, rounds, fed.bytesPerCiphertext);
  const report = {
    method: 'ridge (one-shot, CKKS-encrypted sufficient statistics)',
    ...(dp ? { differentialPrivacy: dp } : {}),
    simulation: 'one process: hospitals and aggregator are separate objects exchanging bytes, not processes over HTTP',
    model: modelDir,
    data,
    split: splitText,
    seed,
    hospitals: fed.hospitals,
    lambda: { ...fed.lambda, rule: 'grid, pooled squared error on each hospital’s seeded 10 % local hold-out' },
    centralisedLambda: central.lambda.lambda,
    testing: scoped(scope, {
      federated: onTesting(fed.head),
      centralised: onTesting(central.head),
      shippedHead: onTesting(shipped),
    }),
    ckks: {
      params: 'N = 8192, 60+40+60 bits, scale 2^40, 128-bit; seeded symmetric, zstd',
      maxAbsError: fed.maxAbsError,
      maxAbsStatistic: fed.maxAbsStatistic,
      bytesPerCiphertext: fed.bytesPerCiphertext,
      headMaxAbsDiffVsPlainPooledSameLambda: headMaxAbsDiff,
    },
    traffic: {
      bytesPerHospital,
      gradientsSameHead: { ...sameHead, ratio: sameHead.bytesTotal / bytesPerHospital },
      gradientsFullModel: { ...fullModel, ratio: fullModel.bytesTotal / bytesPerHospital },
      note: `rounds = ${rounds} is an estimate of what FedAvg would need, not measured`,
    },
    timeMs: { features: featureMs, protocol: protocolMs, aggregate: fed.aggregateMs, decryptSolve: fed.decryptSolveMs },
    out,
  };
  const json = optionalString(args, 'json');
  if (json) await writeFile(json, JSON.stringify(report, null, 2) + '\n');
  console.log(JSON.stringify(report));
}
