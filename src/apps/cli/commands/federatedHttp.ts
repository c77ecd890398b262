/**
 * `federated simulate ... --transport http [--server URL --accounts A0.json,A1.json,...]
 *   [--round-seconds 30] [--quorum 2] [--late SEAT:ROUND:SECONDS] [--dropout P]`
 * (issue 17): the same protocols as the in-process simulation, with every hospital
 * a separate process (`federated hospital`) talking HTTP to the server on loopback.
 *
 * Without --server it starts our server itself (federatedHttpSetup.ts) and makes
 * one account per hospital. The first account coordinates: it creates the network
 * (seats = the accounts, quorum, deadline), makes the CKKS key and deposits it
 * sealed to each seat's account (lib/sharing/sealedSecret.ts; the server relays
 * text it cannot open). Then the hospital processes run, started together, and
 * their reports are gathered: the head (every hospital's must be the same: they
 * decrypt the same sums), the bytes each exchanged with the server (request and
 * answer bodies), wall time, and the rounds run and skipped as the server saw them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionalNumber, optionalString, UsageError, type ParsedArgs } from '../args';
import { signIn } from '../serverSession';
import { accountNamed } from '../studyRecord';
import { newCkksKeyFile } from '../he/ckksKeyFile';
import { makeAccounts, runHospitals, startLocalServer, type LocalServer } from './federatedHttpSetup';
import { KEY_PURPOSE } from './federatedHospital';
import type { Seal } from '../../../lib/cipher/ckks';
import { statisticsLength, type RidgeHead } from '../../../lib/federated/ridge';
import { FEDAVG_DEFAULTS, fedavgVectorLength } from '../../../lib/federated/fedavgHead';
import { sealSecret } from '../../../lib/sharing/sealedSecret';
import { createFederatedNetwork, getFederatedNetwork, putSealedSeatKey } from '../../../lib/serverClient/federated';
import { HE_PARAMETER_ID } from '../../../lib/serverClient/he';

/** Options passed through to every hospital as they are. */
const PASSED = ['data', 'hospitals', 'split', 'method', 'model', 'seed', 'cache', 'rounds', 'local-epochs', 'lr'];
const PASSED_MORE = ['patience', 'dropout'];

/** The options httpSimulation reads (those passed on to the hospitals included). */
export const HTTP_SIMULATION_OPTIONS = {
  values: ['round-seconds', 'quorum', 'rounds', 'late', 'server', 'accounts', ...PASSED, ...PASSED_MORE],
};

const argsFor = (account: string, server: string): ParsedArgs => ({
  positionals: [],
  options: new Map([
    ['account', account],
    ['server', server],
  ]),
});

export interface HttpRun {
  head: RidgeHead;
  report: Record<string, unknown>;
}

export async function httpSimulation(
  args: ParsedArgs,
  seal: Seal,
  shape: { features: number; classes: number; hospitals: number; method: 'ridge' | 'fedavg' },
  log: (line: string) => void,
): Promise<HttpRun> {
  const { features, classes, hospitals, method } = shape;
  const roundSeconds = optionalNumber(args, 'round-seconds', 30);
  const quorum = optionalNumber(args, 'quorum', FEDAVG_DEFAULTS.quorum);
  const rounds = method === 'ridge' ? 1 : optionalNumber(args, 'rounds', FEDAVG_DEFAULTS.rounds);
  const lateText = optionalString(args, 'late');
  const late = lateText ? /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(lateText) : undefined;
  if (lateText && !late) throw new UsageError('--late SEAT:ROUND:SECONDS');
  const external = optionalString(args, 'server');

  const work = await mkdtemp(join(tmpdir(), 'cipherscan-federated-http-'));
  let server: LocalServer | undefined;
  try {
    let url: string;
    let accounts: string[];
    if (external) {
      url = external;
      accounts = (optionalString(args, 'accounts') ?? '').split(',').filter(Boolean);
      if (accounts.length !== hospitals)
        throw new UsageError(`--server needs --accounts with ${hospitals} account files (the first coordinates)`);
    } else {
      const dataDir = join(work, 'server');
      server = await startLocalServer(dataDir, log);
      url = server.url;
      const names = Array.from({ length: hospitals }, (_, h) => `hospital-${h}`);
      accounts = await makeAccounts(url, dataDir, work, names);
    }
    const opened = await Promise.all(accounts.map((file) => signIn(argsFor(file, url))));
    const { client, me } = opened[0];
    const coordinatorServer = { baseUrl: client.baseUrl, token: client.token };
    const network = await createFederatedNetwork(coordinatorServer, {
      name: `simulate-${method}`,
      seats: opened.map((o) => o.me.account.id),
      quorum,
      roundSeconds,
      vectorLength:
        method === 'ridge' ? 2 * statisticsLength(features, classes) : fedavgVectorLength(features, classes),
      maxRounds: rounds,
      params: HE_PARAMETER_ID,
    });
    log(`network ${network.id}: ${hospitals} seats, quorum ${quorum}, ${roundSeconds} s per round`);
    const keyText = JSON.stringify(newCkksKeyFile(seal));
    for (const [seat, o] of opened.entries()) {
      const to = await accountNamed(client, o.me.account.name);
      const sealed = await sealSecret(new TextEncoder().encode(keyText), to.wrapJwk, me.signKey, {
        purpose: KEY_PURPOSE,
        network: network.id,
        sender: me.account.name,
        recipient: to.name,
      });
      await putSealedSeatKey(coordinatorServer, network.id, seat, sealed);
    }

    const passed = [...PASSED, ...PASSED_MORE].flatMap((name) => {
      const v = optionalString(args, name);
      return v === undefined ? [] : [`--${name}`, v];
    });
    const argvs = accounts.map((file, seat) => [
      ...['--server', url, '--account', file, '--network', network.id, '--seat', String(seat)],
      ...['--coordinator', me.account.name, ...passed],
      ...(late && Number(late[1]) === seat ? ['--late', `${late[2]}:${late[3]}`] : []),
    ]);
    const { runs, wallMs } = await runHospitals(argvs, log);
    const failed = runs.filter((r) => r.code !== 0 || !r.report);
    if (failed.length > 0) throw new Error(`hospital(s) ${failed.map((r) => r.seat).join(', ')} failed`);
    const reports = runs.map((r) => r.report!);
    const heads = reports.map((r) => r.head as { weights: number[]; bias: number[] });
    let headsMaxAbsDiff = 0;
    for (const h of heads.slice(1)) {
      h.weights.forEach((w, i) => (headsMaxAbsDiff = Math.max(headsMaxAbsDiff, Math.abs(w - heads[0].weights[i]))));
      h.bias.forEach((b, i) => (headsMaxAbsDiff = Math.max(headsMaxAbsDiff, Math.abs(b - heads[0].bias[i]))));
    }
    const status = await getFederatedNetwork({ baseUrl: client.baseUrl, token: client.token }, network.id);
    const ended = status.rounds.filter((r) => r.state !== 'open');
    const head: RidgeHead = {
      features,
      classes,
      weights: Float64Array.from(heads[0].weights),
      bias: Float64Array.from(heads[0].bias),
    };
    const { head: _omit, ...first } = reports[0];
    void _omit;
    return {
      head,
      report: {
        transport: 'http: one process per hospital, the CipherScan server on loopback',
        server: external ? url : `own (${url}, PGlite in a temp folder)`,
        network: { id: network.id, quorum, roundSeconds, maxRounds: rounds, vectorLength: network.vectorLength },
        late: late ? { seat: Number(late[1]), round: Number(late[2]), seconds: Number(late[3]) } : undefined,
        wallMs,
        roundsRun: ended.length,
        roundsSkipped: ended.filter((r) => r.state === 'skipped').length,
        serverRounds: ended.map((r) => ({ round: r.round, state: r.state, contributors: r.contributors })),
        headsMaxAbsDiff,
        seat0: first,
        hospitals: reports.map(({ head: _h, rounds: _r, ...rest }) => (void _h, void _r, rest)),
      },
    };
  } finally {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  }
}
