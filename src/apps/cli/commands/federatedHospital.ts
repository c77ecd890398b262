/**
 * `cipherscan federated hospital --server URL --account A.json --network ID --seat S
 *   --coordinator NAME --data DS --hospitals N --split iid|dirichlet:A --method ridge|fedavg
 *   [--model DIR --seed 1 --cache DIR --rounds 40 --local-epochs 1 --lr 0.1 --patience 5
 *   --dropout P --late ROUND:SECONDS --wait-go]` (issue 17): ONE hospital, as its
 * own process, talking HTTP to the server (lib/serverClient/federated.ts).
 *
 * Its images are share S of DS/Training by the same seeded split as the in-process
 * simulation; their features come from the shipped model (federatedFeatures.ts,
 * cached). The CKKS secret key is the coordinator's, fetched sealed to this
 * account and opened here (lib/sharing/sealedSecret.ts); it never leaves the
 * process. Ridge: one round, the encrypted statistics; FedAvg: rounds of encrypted
 * updates, the same local training and seeded absences as fedavgHead.ts, so every
 * hospital decrypts the same sums and keeps the same head. `--late R:SEC` sleeps
 * SEC seconds before sending in round R (the round goes ahead without it and
 * refuses the late update with 409; it takes the sum and goes on).
 * `--wait-go`: prints `ready` once set up and waits for a line on stdin (the
 * simulation starts every hospital's clock together).
 * Prints one JSON report: its head, rounds, and the bytes of every request and
 * answer body it exchanged with the server.
 *
 * Must never: print or send the CKKS secret key, a feature or a plain statistic.
 */
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { flag, optionalNumber, options, optionalString, requireOption, UsageError, type ParsedArgs } from '../args';
import { signIn, SIGN_IN_OPTIONS } from '../serverSession';
import { accountNamed } from '../studyRecord';
import { parseCkksKeyFile } from '../he/ckksKeyFile';
import { splitFeatures } from './federatedFeatures';
import { loadSeal } from '../../../platform/node/seal';
import { createHospitalKey } from '../../../lib/federated/ckksStatistics';
import { parseSplit, splitHospitals } from '../../../lib/federated/hospitalSplit';
import { headFromSum, hospitalStatistics } from '../../../lib/federated/simulateRidge';
import { FEDAVG_DEFAULTS } from '../../../lib/federated/fedavgHead';
import { openSealedSecret } from '../../../lib/sharing/sealedSecret';
import type { FetchLike } from '../../../lib/serverClient';
import { awaitRoundSum, getFederatedNetwork, getSealedSeatKey } from '../../../lib/serverClient/federated';
import { ServerError } from '../../../lib/serverClient/errors';
import type { HeServer } from '../../../lib/serverClient/he';
import { plainHead, runFedAvgRounds, send, type HospitalSession } from './federatedHospitalRounds';

export const KEY_PURPOSE = 'ckks-secret-key';

/** Counts the bytes of every request and answer body (content-length of answers). */
export function countingFetch(): { fetch: FetchLike; up: () => number; down: () => number } {
  let up = 0;
  let down = 0;
  const fetch: FetchLike = async (input, init) => {
    const body = init?.body;
    if (typeof body === 'string') up += Buffer.byteLength(body);
    else if (body instanceof Uint8Array) up += body.byteLength;
    const response = await globalThis.fetch(input, init);
    const length = Number(response.headers.get('content-length'));
    if (Number.isFinite(length)) down += length;
    return response;
  };
  return { fetch, up: () => up, down: () => down };
}

async function waitForGo(): Promise<void> {
  console.log('ready');
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((done) => lines.once('line', () => done()));
  lines.close();
}

/** `federated hospital`'s options (federatedHttpSetup.ts passes them). */
export const HOSPITAL_OPTIONS = options(SIGN_IN_OPTIONS, {
  values: [
    'seat',
    'network',
    'coordinator',
    'method',
    'hospitals',
    'seed',
    'split',
    'late',
    'model',
    'data',
    'cache',
  ].concat(['rounds', 'local-epochs', 'lr', 'dropout', 'patience']),
  flags: ['wait-go'],
});

export async function runHospital(args: ParsedArgs): Promise<void> {
  const log = (line: string) => console.error(line);
  const seat = optionalNumber(args, 'seat', NaN);
  const networkId = requireOption(args, 'network');
  const coordinatorName = requireOption(args, 'coordinator');
  const method = optionalString(args, 'method') ?? 'ridge';
  if (method !== 'ridge' && method !== 'fedavg') throw new UsageError('--method ridge|fedavg');
  const hospitals = optionalNumber(args, 'hospitals', 3);
  const seed = optionalNumber(args, 'seed', 1);
  const splitText = optionalString(args, 'split') ?? 'iid';
  const lateText = optionalString(args, 'late');
  const late = lateText ? /^(\d+):(\d+(?:\.\d+)?)$/.exec(lateText) : undefined;
  if (lateText && !late) throw new UsageError('--late ROUND:SECONDS');
  const modelDir = resolve(optionalString(args, 'model') ?? 'public/models/vit-lung-histopathology');
  const data = resolve(requireOption(args, 'data'));
  const cache = optionalString(args, 'cache') ?? (await import('node:os')).tmpdir();

  const counter = countingFetch();
  const { client, me } = await signIn(args);
  const server: HeServer = { baseUrl: client.baseUrl, token: client.token };
  const network = await getFederatedNetwork(server, networkId, { fetch: counter.fetch });
  if (!Number.isInteger(seat) || network.seats[seat] !== me.account.id)
    throw new UsageError(`--seat ${seat}: this account does not hold that seat of the network`);
  if (network.seats.length !== hospitals) throw new UsageError(`the network has ${network.seats.length} seats`);

  // the key: sealed by the coordinator to this account, opened here
  const coordinator = await accountNamed(client, coordinatorName);
  if (coordinator.id !== network.coordinator)
    throw new UsageError(`${coordinatorName} does not coordinate this network`);
  let sealed: string | undefined;
  for (let i = 0; !sealed; i++) {
    sealed = await getSealedSeatKey(server, network.id, seat, { fetch: counter.fetch }).catch((err: unknown) => {
      if (err instanceof ServerError && err.status === 404 && i < 120) return undefined;
      throw err;
    });
    if (!sealed) await new Promise((r) => setTimeout(r, 500));
  }
  const secret = await openSealedSecret(sealed, me.wrapKey, coordinator.signJwk, {
    purpose: KEY_PURPOSE,
    network: network.id,
    sender: coordinator.name,
    recipient: me.account.name,
  });
  const file = parseCkksKeyFile(new TextDecoder().decode(secret));
  secret.fill(0);
  const seal = await loadSeal();
  const key = createHospitalKey(seal, new Uint8Array(Buffer.from(file.secretKey, 'base64')));

  try {
    const training = await splitFeatures(modelDir, join(data, 'Training'), cache, log);
    const classes = training.classes.length;
    const share = splitHospitals(training.labels, hospitals, parseSplit(splitText), seed)[seat];
    // this hospital's own rows only (the indices of its share); nothing else is read below
    const x = training.features;
    const labels = training.labels;
    const session: HospitalSession = {
      server,
      network,
      seat,
      key,
      fetch: counter.fetch,
      late: late ? { round: Number(late[1]), seconds: Number(late[2]) } : undefined,
      log,
    };
    if (flag(args, 'wait-go')) await waitForGo();
    const t0 = performance.now();
    const setup = { bytesUp: counter.up(), bytesDown: counter.down() };
    let result: Record<string, unknown>;
    if (method === 'ridge') {
      const values = hospitalStatistics(x, labels, share, seat, classes, seed);
      const accepted = await send(session, 1, values);
      const sum = await awaitRoundSum(server, network.id, 1, { fetch: counter.fetch, vectorLength: values.length });
      if (sum.state !== 'closed') throw new Error(`round 1 was skipped (${sum.contributors} contributions)`);
      const { head, lambda } = headFromSum(key.decrypt(sum.sum), x[0].length, classes);
      result = {
        head: plainHead(head),
        lambda: lambda.lambda,
        rounds: [{ round: 1, accepted, contributors: sum.contributors }],
      };
    } else {
      result = await runFedAvgRounds(session, x, labels, share, classes, {
        seed,
        hospitals,
        rounds: optionalNumber(args, 'rounds', FEDAVG_DEFAULTS.rounds),
        localEpochs: optionalNumber(args, 'local-epochs', FEDAVG_DEFAULTS.localEpochs),
        learningRate: optionalNumber(args, 'lr', FEDAVG_DEFAULTS.learningRate),
        batch: FEDAVG_DEFAULTS.batch,
        dropout: optionalNumber(args, 'dropout', FEDAVG_DEFAULTS.dropout),
        quorum: network.quorum,
        patience: optionalNumber(args, 'patience', FEDAVG_DEFAULTS.patience),
      });
    }
    const classCounts = Array.from({ length: classes }, (_, c) => share.filter((i) => labels[i] === c).length);
    console.log(
      JSON.stringify({
        seat,
        account: me.account.name,
        images: share.length,
        classCounts,
        ...result,
        protocolMs: performance.now() - t0,
        // every request and answer body; `setup`: the network, the sealed key (before the rounds)
        wire: { bytesUp: counter.up(), bytesDown: counter.down(), setup },
      }),
    );
  } finally {
    key.dispose();
  }
}
