/**
 * A secret one account hands to another (issue 17: the hospitals' shared CKKS
 * secret key, made by one hospital, sent to the others): encrypted to the
 * recipient's ECDH key (compact JWE, ECDH-ES+A256KW, A256GCM) and signed by the
 * sender (compact JWS, ES256, over the JWE). Both headers bind it to a purpose,
 * a network, the sender and the recipient, so it cannot be replayed to another
 * account, network or use.
 *
 * Why signed: ECDH-ES alone is anonymous. Without the signature anyone could
 * hand a hospital a CKKS key they know, and read everything it then encrypts.
 * The server only relays the token: it holds neither private key.
 *
 * Must never: accept a token whose signature, algorithms or binding differ from
 * the expected ones; return anything but the whole secret (or throw).
 */
import { CompactEncrypt, CompactSign, compactDecrypt, compactVerify, decodeProtectedHeader } from 'jose';
import { importPublicKey } from './accountKeys';
import { SharingRefusedError } from './errors';

export interface SecretBinding {
  /** what the secret is for, e.g. "ckks-secret-key" */
  purpose: string;
  /** the group it belongs to, e.g. a federated network's name */
  network: string;
  sender: string;
  recipient: string;
}

/** A CKKS secret key is about 0.2 MB; room for it in base64 and the JWE/JWS around it. */
export const MAX_SEALED_SECRET_CHARS = 2 * 1024 * 1024;

const ENC_ALG = 'ECDH-ES+A256KW';
const ENC = 'A256GCM';
const SIGN_ALG = 'ES256';
const BINDING_MEMBERS = {
  csPurpose: 'purpose',
  csNetwork: 'network',
  csSender: 'sender',
  csRecipient: 'recipient',
} as const;

function bindingHeader(b: SecretBinding): Record<string, string> {
  for (const v of Object.values(b))
    if (typeof v !== 'string' || !v) throw new Error('a sealed secret needs a purpose, network, sender and recipient');
  return { csPurpose: b.purpose, csNetwork: b.network, csSender: b.sender, csRecipient: b.recipient };
}

function checkBinding(header: Record<string, unknown>, expected: SecretBinding, where: string): void {
  for (const [member, field] of Object.entries(BINDING_MEMBERS))
    if (header[member] !== expected[field])
      throw new SharingRefusedError('malformed', `the secret's ${where} names another ${field}: refused`);
}

/** Seals `secret` for the recipient's wrap key and signs it with the sender's sign key. */
export async function sealSecret(
  secret: Uint8Array,
  recipientWrapJwk: unknown,
  senderSignKey: CryptoKey,
  binding: SecretBinding,
): Promise<string> {
  const header = bindingHeader(binding);
  const jwe = await new CompactEncrypt(secret)
    .setProtectedHeader({ alg: ENC_ALG, enc: ENC, ...header })
    .encrypt(await importPublicKey(recipientWrapJwk, 'wrap'));
  return new CompactSign(new TextEncoder().encode(jwe))
    .setProtectedHeader({ alg: SIGN_ALG, ...header })
    .sign(senderSignKey);
}

/** Verifies the sender's signature and the binding, then opens the secret with the recipient's private key. */
export async function openSealedSecret(
  token: string,
  recipientWrapKey: CryptoKey,
  senderSignJwk: unknown,
  expected: SecretBinding,
): Promise<Uint8Array> {
  if (typeof token !== 'string' || token.length > MAX_SEALED_SECRET_CHARS)
    throw new SharingRefusedError('too-large', 'the sealed secret is larger than any real one: refused');
  let signed: { payload: Uint8Array; protectedHeader: Record<string, unknown> };
  try {
    signed = await compactVerify(token.trim(), await importPublicKey(senderSignJwk, 'sign'), {
      algorithms: [SIGN_ALG],
    });
  } catch (cause) {
    throw new SharingRefusedError('bad-signature', 'the secret was not signed by the named sender, or was altered', {
      cause,
    });
  }
  checkBinding(signed.protectedHeader, expected, 'signature');
  const jwe = new TextDecoder().decode(signed.payload);
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe) as Record<string, unknown>;
  } catch (cause) {
    throw new SharingRefusedError('malformed', 'the sealed secret is not a JWE', { cause });
  }
  if (header.alg !== ENC_ALG || header.enc !== ENC)
    throw new SharingRefusedError('wrong-algorithm', 'the sealed secret uses an algorithm this app does not accept');
  checkBinding(header, expected, 'envelope');
  try {
    const opened = await compactDecrypt(jwe, recipientWrapKey, {
      keyManagementAlgorithms: [ENC_ALG],
      contentEncryptionAlgorithms: [ENC],
    });
    return opened.plaintext;
  } catch (cause) {
    throw new SharingRefusedError('key-unwrap-failed', 'the secret was not sealed for this account, or was altered', {
      cause,
    });
  }
}
