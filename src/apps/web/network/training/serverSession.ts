/**
 * The server transport for the signed-in page (src/apps/web/hospital/session.ts):
 * the session's client is the server reference (this page's own origin; its token
 * in memory, read by the federated client on each call), and the signed-in
 * account holds all three seats. The federated client loads only when a run
 * goes through the server.
 */
import { currentSession } from '../../hospital/session';
import { HE_PARAMETER_ID } from '../../../../lib/serverClient/he';
import { ServerTransport } from './serverTransport';
import type { RoundTransport } from './transport';

export async function serverTransportFor(accountId: string): Promise<RoundTransport> {
  const session = currentSession();
  if (!session) throw new Error('Sign in to the hospital server first.');
  const api = await import('../../../../lib/serverClient/federated');
  return new ServerTransport(api, session.client, accountId, HE_PARAMETER_ID);
}
