/**
 * The owner's and the reader's lists, and changing who may read a scan
 * (docs/server.md): sharing unwraps the owner's own copy of the content key (from
 * the study's bundle, checked completely against the owner's OWN signing key from
 * this browser, not the server's directory), wraps it for the colleague's public
 * key, and sends the next record version with the new reader list; revoking sends
 * the next version without them. The reader list the server names is checked
 * against the signed reader hash first, so a server cannot slip a reader in or out.
 *
 * Must never: keep a content key after the call; send anything but records,
 * wrapped keys and grant fields.
 */
import { wipeKey } from '../../../lib/keys/key';
import { ServerError, type Purpose } from '../../../lib/serverClient';
import { openDownloadedBundle, reshareRecord, wrapContentKey, type OpenedDownload } from '../../../lib/sharing';
import { colleagueFromField, untilFromField } from './messages';
import { currentSession, reportError, sessionKeys } from './session';
import { slot, useServer } from './state';

/** Reloads "My scans" and "Shared with me". */
export async function refreshLists(): Promise<void> {
  const session = currentSession();
  if (!session) return;
  useServer.getState().setError('lists', null);
  try {
    const [mine, shared] = await Promise.all([session.client.search('mine'), session.client.search('shared')]);
    useServer.getState().setLists({ mine, shared });
  } catch (err) {
    reportError('lists', err);
  }
}

/** Reloads who may read one of my scans. */
export async function loadReaders(uid: string): Promise<void> {
  const session = currentSession();
  if (!session) return;
  try {
    useServer.getState().setReaders(uid, await session.client.readers(uid));
  } catch (err) {
    reportError(slot.revoke(uid), err);
  }
}

/** Loads the audit trail of one of my scans. */
export async function loadAudit(uid: string): Promise<void> {
  const session = currentSession();
  if (!session || useServer.getState().busy) return;
  useServer.getState().setError(slot.audit(uid), null);
  useServer.getState().setBusy('auditing', uid);
  try {
    useServer.getState().setAudit(uid, await session.client.audit({ study: uid }));
  } catch (err) {
    reportError(slot.audit(uid), err);
  } finally {
    useServer.getState().setBusy(null);
  }
}

interface OwnStudy extends OpenedDownload {
  /** reader names → account ids, as the server lists them (owner not included) */
  readers: Map<string, string>;
}

/** My scan as it stands: its bundle checked against my own key and the signed reader list. */
async function ownStudy(uid: string): Promise<OwnStudy> {
  const { session, keys } = sessionKeys();
  const me = useServer.getState().account!;
  const bundle = await session.client.retrieve(uid);
  const readers = new Map<string, string>();
  for (const grant of await session.client.readers(uid)) {
    const reader = await session.client.account(grant.name);
    readers.set(grant.name, reader.id);
    useServer.getState().rememberName(reader.id, reader.name);
  }
  const opened = await openDownloadedBundle(bundle, {
    me: { id: me.id, wrapKey: keys.wrapKey },
    ownerSignJwk: keys.signJwk,
    expectOwner: me.id,
    expectStudy: uid,
    readers: [...readers.values()],
  });
  return { ...opened, readers };
}

export interface ShareForm {
  colleague: string;
  purpose: Purpose;
  /** `YYYY-MM-DD` or empty */
  until: string;
}

/** Lets a colleague read one of my scans. True when the server took it. */
export async function shareStudy(uid: string, form: ShareForm): Promise<boolean> {
  const store = useServer.getState();
  const errorSlot = slot.share(uid);
  store.setError(errorSlot, null);
  store.setNotice(null);
  const { name, error: nameError } = colleagueFromField(form.colleague);
  const { until, error: untilError } = untilFromField(form.until);
  if (nameError || untilError) {
    store.setError(errorSlot, (nameError ?? untilError)!);
    return false;
  }
  if (store.busy) return false;
  const me = store.account;
  if (!me) return false;
  if (name === me.name) {
    store.setError(errorSlot, 'That is your own account: you can already open your scans.');
    return false;
  }
  store.setBusy('sharing', uid);
  try {
    const { session, keys } = sessionKeys();
    let reader;
    try {
      // the colleague's wrap key comes from the server's directory: sharing trusts the server to name the right key
      reader = await session.client.account(name!);
      useServer.getState().rememberName(reader.id, reader.name);
    } catch (err) {
      if (err instanceof ServerError && err.status === 404) {
        store.setError(errorSlot, `There is no account named "${name}" on this server.`);
        return false;
      }
      throw err;
    }
    const current = await ownStudy(uid);
    let wrappedKey: string;
    try {
      wrappedKey = await wrapContentKey(current.contentKey.master, reader.wrapJwk, { study: uid, owner: me.id });
    } finally {
      wipeKey(current.contentKey);
    }
    const readerIds = new Set([...current.readers.values(), reader.id]);
    const { record } = await reshareRecord({ header: current.header, readers: [...readerIds], signKey: keys.signKey });
    await session.client.share(uid, reader.name, {
      record,
      wrappedKey,
      purpose: form.purpose,
      ...(until ? { until } : {}),
    });
    useServer.getState().setNotice(`Shared with ${reader.name}.`);
    await Promise.all([loadReaders(uid), refreshLists()]);
    return true;
  } catch (err) {
    reportError(errorSlot, err);
    return false;
  } finally {
    useServer.getState().setBusy(null);
  }
}

/** Takes a colleague off one of my scans (what they downloaded before stays with them). True when done. */
export async function revokeReader(uid: string, readerName: string): Promise<boolean> {
  const store = useServer.getState();
  const errorSlot = slot.revoke(uid);
  store.setError(errorSlot, null);
  store.setNotice(null);
  if (store.busy) return false;
  store.setBusy('revoking', uid);
  try {
    const { session, keys } = sessionKeys();
    const current = await ownStudy(uid);
    wipeKey(current.contentKey); // revoking re-signs the record; the content key is not needed
    if (!current.readers.has(readerName)) {
      useServer.getState().setError(errorSlot, `${readerName} cannot read this scan any more.`);
      await loadReaders(uid);
      return false;
    }
    const readers = [...current.readers].filter(([n]) => n !== readerName).map(([, id]) => id);
    const { record } = await reshareRecord({ header: current.header, readers, signKey: keys.signKey });
    await session.client.revoke(uid, readerName, { record });
    useServer.getState().setNotice(`${readerName} can no longer open this scan.`);
    await Promise.all([loadReaders(uid), refreshLists()]);
    return true;
  } catch (err) {
    reportError(errorSlot, err);
    return false;
  } finally {
    useServer.getState().setBusy(null);
  }
}
