import { Encrypter } from 'age-encryption';
import { invalidInput } from '../../shared/contract/errors';

/** How an export is encrypted with age (https://age-encryption.org): a passphrase or X25519 recipients. */
export type AgeTarget = { passphrase: string } | { recipients: string[] };

const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/;

export function checkRecipients(recipients: string[]): string[] {
  if (recipients.length === 0) throw invalidInput('ageRecipients', 'Give at least one age recipient (a public key starting with age1…).');
  for (const r of recipients) {
    if (!RECIPIENT.test(r.trim())) {
      throw invalidInput('ageRecipients', `"${r.slice(0, 80)}" is not an age X25519 recipient; it looks like age1 followed by 58 lowercase letters and digits (age-keygen -y KEYFILE prints it).`);
    }
  }
  return recipients.map((r) => r.trim());
}

/** Encrypts `data` to the binary age format, which `age -d` decrypts. */
export async function ageEncrypt(data: Uint8Array, target: AgeTarget, scryptWorkFactor?: number): Promise<Uint8Array> {
  const e = new Encrypter();
  if ('passphrase' in target) {
    if (target.passphrase.length < 8) throw invalidInput('agePassphrase', 'The passphrase is too short; use at least 8 characters (better: 4–5 random words).');
    e.setPassphrase(target.passphrase);
    if (scryptWorkFactor !== undefined) e.setScryptWorkFactor(scryptWorkFactor);
  } else {
    for (const r of checkRecipients(target.recipients)) e.addRecipient(r);
  }
  return e.encrypt(data);
}
