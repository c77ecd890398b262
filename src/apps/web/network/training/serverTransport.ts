/**
 * The rounds over the hospital server (docs/server.md "Federated rounds"): one
 * network per run, whose three seats are all held by the signed-in account (the
 * demo page runs the three hospitals under one clinician). The server sums
 * ciphertexts with SEAL additions and never holds a key: the CKKS key stays with
 * the page's hospital workers (passed between them on this device), so no sealed
 * seat key is uploaded here.
 *
 * The client functions come in as `FederatedApi` (the signatures of
 * src/lib/serverClient/federated.ts) so this file is tested with a fake and does
 * not tie the page's first load to the client's code.
 */
import type { EncryptedVector } from '../../../../lib/federated/ckksStatistics';
import type { HeServer as ServerRef } from '../../../../lib/serverClient/he';
import type { NetworkConfig, RoundOutcome, RoundTransport } from './transport';

/** The part of the federated client this transport uses (a type only: no client code in the first load). */
export type FederatedApi = Pick<
  typeof import('../../../../lib/serverClient/federated'),
  'createFederatedNetwork' | 'contributeToRound' | 'awaitRoundSum'
>;

export class ServerTransport implements RoundTransport {
  readonly kind = 'server';
  private networkId: string | undefined;
  private vectorLength = 0;

  constructor(
    private readonly api: FederatedApi,
    private readonly server: ServerRef,
    /** the signed-in account: it holds every seat */
    private readonly accountId: string,
    /** HE_PARAMETER_ID: the server refuses ciphertexts of other parameters */
    private readonly params: string,
  ) {}

  get network(): string | undefined {
    return this.networkId;
  }

  async open(config: NetworkConfig): Promise<void> {
    const network = await this.api.createFederatedNetwork(this.server, {
      name: config.name,
      seats: Array.from({ length: config.seats }, () => this.accountId),
      quorum: config.quorum,
      // the server counts whole seconds; never below one
      roundSeconds: Math.max(1, Math.ceil(config.roundMs / 1000)),
      vectorLength: config.vectorLength,
      maxRounds: config.maxRounds,
      params: this.params,
    });
    this.networkId = network.id;
    this.vectorLength = config.vectorLength;
  }

  private id(): string {
    if (!this.networkId) throw new Error('no network open');
    return this.networkId;
  }

  async contribute(round: number, seat: number, vector: EncryptedVector, signal?: AbortSignal) {
    const { bytesUp } = await this.api.contributeToRound(this.server, this.id(), round, seat, vector, { signal });
    return { bytesUp };
  }

  async awaitSum(round: number, signal?: AbortSignal): Promise<RoundOutcome> {
    return await this.api.awaitRoundSum(this.server, this.id(), round, {
      signal,
      waitMs: 10_000,
      vectorLength: this.vectorLength,
    });
  }

  close(): void {
    this.networkId = undefined;
  }
}
