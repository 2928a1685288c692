import { PageLink, Placeholder } from '../../components/Placeholder';
import { hrefOf } from '../../route';

export function InstallPage() {
  return (
    <Placeholder
      title="Install"
      comes="Install the Edge agent on remote hosts over SSH, with a preflight check from the host (server URL, tunnel port, certificate) before anything is installed — coming soon."
      meanwhile={
        <>
          copy the command from the <PageLink href={hrefOf('commands')}>Command builder</PageLink> and run it on the host yourself.
        </>
      }
    />
  );
}

export function ExportPage() {
  return (
    <Placeholder
      title="Export"
      comes="Export prestaged join tokens and install commands as a bundle for hosts without network access to this app — coming soon."
      meanwhile={
        <>
          build each key in the <PageLink href={hrefOf('inspector')}>Join-token inspector</PageLink> and copy it with its command from the{' '}
          <PageLink href={hrefOf('commands')}>Command builder</PageLink>.
        </>
      }
    />
  );
}
