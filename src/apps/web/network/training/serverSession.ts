/**
 * The server transport for the signed-in page (src/apps/web/hospital/session.ts):
 * the session's client is the server reference (its base URL is this page's own
 * origin, its token in memory), and the signed-in account holds all three seats.
 * TEMPORARY until the fedhttp client (src/lib/serverClient/federated.ts) is in main.
 */
import type { RoundTransport } from './transport';

export async function serverTransportFor(accountId: string): Promise<RoundTransport> {
  void accountId;
  throw new Error('the hospital server’s federated routes are not in this build yet');
}
