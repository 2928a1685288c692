import type { TaskView } from '../../../src-main/shared/schemas/install';
import type { GroupView, TagView } from '../../../src-main/shared/schemas/portainer';
import { resetInstall } from '../../../src-renderer/features/install/installStore';
import { ok, useFakeApi, type FakeTransport, type Rendered } from './harness';

/** The install page's fake main before any run: no environments, past runs or tasks; these groups and tags. */
export function useInstallApi(lists: { groups: GroupView[]; tags: TagView[] }): FakeTransport {
  const transport = useFakeApi();
  resetInstall();
  transport.override('environments:list', ok({ items: [], total: 0 }));
  transport.override('groups:list', ok({ groups: lists.groups }));
  transport.override('tags:list', ok({ tags: lists.tags }));
  transport.override('ssh:runs', ok({ runs: [] }));
  transport.override('tasks:list', () => ok({ tasks: [] }));
  return transport;
}

/** A builder of one install task's views: running, nothing asked yet, `patch` on top. */
export function taskViews(fixed: Pick<TaskView, 'id' | 'title' | 'createdAt'>): (patch?: Partial<TaskView>) => TaskView {
  return (patch = {}) => ({ id: fixed.id, kind: 'ssh:install', title: fixed.title, status: 'running', progress: 0, createdAt: fixed.createdAt, pendingPrompts: [], ...patch });
}

/** After each install-page test: the page unmounted, the store reset, the document empty (Mantine portals included). */
export function cleanUpInstallPage(view: Rendered | undefined): void {
  view?.unmount();
  resetInstall();
  document.body.innerHTML = '';
}

/** The element with this data-testid anywhere in the document, or null. */
export const byTestId = (id: string) => document.querySelector(`[data-testid="${id}"]`);
