import { expect, type Page } from '@playwright/test';
import { encodeEdgeKey } from '../../src-main/shared/domain/edgeKey';

/** The fields of a join token built on the Inspector page (no server needed). */
export const KEY_FIELDS = { portainerUrl: 'https://portainer.example.com:9443', tunnelAddress: 'tunnel.example.com:8000', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: 7 };

/** Builds KEY_FIELDS' join token on the Inspector page; answers the key shown (with its copy button beside it). */
export async function buildKeyInInspector(page: Page): Promise<string> {
  await page.getByTestId('nav-inspector').click();
  await page.getByLabel('Portainer URL').fill(KEY_FIELDS.portainerUrl);
  await page.getByLabel('Tunnel address').fill(KEY_FIELDS.tunnelAddress);
  await page.getByLabel('Tunnel fingerprint').fill(KEY_FIELDS.tunnelFingerprint);
  await page.getByLabel('Environment ID').fill(String(KEY_FIELDS.environmentId));
  await page.getByRole('button', { name: 'Build key' }).click();
  const key = encodeEdgeKey(KEY_FIELDS);
  await expect(page.getByTestId('encoded-key')).toHaveValue(key);
  return key;
}
