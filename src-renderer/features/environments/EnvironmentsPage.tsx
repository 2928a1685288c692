import { useHashPath } from '../../components/useHashPath';
import { AddEnvironmentForm } from './AddEnvironmentForm';
import { EnvironmentDetails } from './EnvironmentDetails';
import { EnvironmentList } from './EnvironmentList';

/** #/environments, #/environments/new and #/environments/<id>. */
export function EnvironmentsPage() {
  const [sub] = useHashPath();
  if (sub === 'new') return <AddEnvironmentForm />;
  const id = sub !== undefined && /^\d+$/.test(sub) ? Number(sub) : undefined;
  if (id !== undefined && id > 0) return <EnvironmentDetails key={id} id={id} />;
  return <EnvironmentList />;
}
