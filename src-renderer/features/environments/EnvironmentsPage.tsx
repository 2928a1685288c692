import { useHashPath } from '../../components/useHashPath';
import { AddEnvironmentForm } from './AddEnvironmentForm';
import { useAddForm } from './addFormStore';
import { EnvironmentDetails } from './EnvironmentDetails';
import { EnvironmentList } from './EnvironmentList';

/**
 * #/environments, #/environments/new and #/environments/<id>. Right after a create the address is
 * the new environment's, and the form stays on screen, read-only, above its details; "new" always
 * opens an empty form (its own key, so it mounts afresh).
 */
export function EnvironmentsPage() {
  const [sub] = useHashPath();
  const createdId = useAddForm((s) => s.created?.environment.id);
  if (sub === 'new') return <AddEnvironmentForm key="new" />;
  const id = sub !== undefined && /^\d+$/.test(sub) ? Number(sub) : undefined;
  if (id !== undefined && id > 0) return id === createdId ? <AddEnvironmentForm key={`created-${id}`} justCreated /> : <EnvironmentDetails key={id} id={id} />;
  return <EnvironmentList />;
}
