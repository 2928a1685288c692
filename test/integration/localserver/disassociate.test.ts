import { afterEach, describe, expect, it } from 'vitest';
import { PortainerClient } from '../../../src-main/services/portainer/client';
import { ADMIN_PASSWORD, createEdgeEnv, pollHeaders, startHarness, type Harness } from './helpers';

// DELETE /api/endpoints/{id}/association as each emulated profile answers it (docs/portainer-versions.md
// fact 26): CE 2.14 on 204 and no body; CE 2.9–2.13 and Business Edition 200 with the environment.
// Each case binds an Edge ID with a real poll first, and a second agent claims the environment after.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function bindAndDisassociate(profile: { version: string; edition: 'ce' | 'be' }) {
  h = await startHarness(profile);
  const env = (await createEdgeEnv(h, `dis-${profile.edition}-${profile.version}`)).json;
  const poll = (edgeId: string) => h!.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders(edgeId) });
  expect((await poll('first-agent')).status).toBe(200);
  expect((await poll('second-agent')).status).toBe(403);
  const token = await h.login();
  const answer = await h.call('DELETE', `/api/endpoints/${env.Id}/association`, { token });
  // The Edge ID is free again whatever the answer's shape.
  expect((await poll('second-agent')).status).toBe(200);
  expect((await h.call('GET', `/api/endpoints/${env.Id}`, { token })).json.EdgeID).toBe('second-agent');
  return { env, answer };
}

describe('DELETE /api/endpoints/{id}/association per profile', () => {
  it('CE 2.23 (2.14 on): 204 and no body', async () => {
    const { answer } = await bindAndDisassociate({ version: '2.23.0', edition: 'ce' });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
  });

  it('CE 2.13: 200 with the environment, its Edge ID cleared', async () => {
    const { env, answer } = await bindAndDisassociate({ version: '2.13.1', edition: 'ce' });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.json).toMatchObject({ Id: env.Id, Name: env.Name, Type: 4 });
    expect(answer.json.EdgeID ?? '').toBe('');
  });

  it('Business Edition: 200 with the environment', async () => {
    const { env, answer } = await bindAndDisassociate({ version: '2.23.0', edition: 'be' });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ Id: env.Id, Name: env.Name });
    expect(answer.json.EdgeID ?? '').toBe('');
  });

  it("the app's client clears the Edge ID on both kinds of answer", async () => {
    for (const profile of [{ version: '2.13.1', edition: 'ce' as const }, { version: '2.23.0', edition: 'ce' as const }]) {
      h = await startHarness(profile);
      const env = (await createEdgeEnv(h, 'dis-client')).json;
      expect((await h.call('GET', `/api/endpoints/${env.Id}/edge/status`, { headers: pollHeaders('bound-agent') })).status).toBe(200);
      const client = new PortainerClient({ url: h.server.url, tls: { mode: 'insecure' }, credentials: { kind: 'password', username: 'admin', password: ADMIN_PASSWORD } });
      try {
        await client.disassociate(env.Id);
        expect((await client.getEnvironment(env.Id)).edgeId ?? '').toBe('');
      } finally {
        await client.close();
      }
      await h.close();
      h = undefined;
    }
  });
});
