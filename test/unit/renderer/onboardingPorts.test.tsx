// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEdgeKey } from '../../../src-main/shared/domain/edgeKey';
import { OnboardingState } from '../../../src-renderer/features/environments/OnboardingState';
import { edgeDetail } from './detailFixture';
import { render, type Rendered } from './harness';

let view: Rendered | undefined;
afterEach(() => view?.unmount());

// Issue #11 item 12: a server on other ports than Portainer's defaults gets hints with its own ports.
const fields = { portainerUrl: 'https://edge.example.com:30443', tunnelAddress: 'edge.example.com:30800', tunnelFingerprint: 'xx//IJjB6QNm1CV2o0eJ2oh4hSo7VH+xWGCOktg6COI=', environmentId: 3 };
const key = { fields: { ...fields, global: false }, warnings: [] };

describe('onboarding hints name the server’s own ports', () => {
  it('waiting for the first poll: the token’s URL and port, not 9443', async () => {
    view = await render(<OnboardingState view={edgeDetail({ edgeKey: encodeEdgeKey(fields) }, { key })} fetchedAt={Date.now()} localServer={false} />);
    const text = view.container.textContent ?? '';
    expect(text).toContain('check that https://edge.example.com:30443 (port 30443) answers');
    expect(text).toContain('port 30800 (the tunnel)');
    expect(text).not.toMatch(/\b(9443|8000)\b/);
  });
  it('tunnel verified: the tunnel port of the token', async () => {
    const now = 1_800_000_000;
    view = await render(
      <OnboardingState
        view={edgeDetail(
          { edgeKey: encodeEdgeKey(fields), lastCheckIn: now - 2, edgeId: 'e-1', heartbeat: true, state: 'alive', tunnel: { status: 'verified', port: 50001, since: now - 1 } },
          { key, heartbeat: { alive: true, state: 'alive', lastCheckIn: now - 2, lostInSeconds: 28, lostAfterSeconds: 30, intervalSeconds: 5 } },
        )}
        fetchedAt={Date.now()}
        localServer
      />,
    );
    const text = view.container.textContent ?? '';
    expect(text).toContain('through the reverse tunnel (port 30800)');
    expect(text).not.toMatch(/\b(9443|8000)\b/);
  });
});
