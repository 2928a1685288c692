import { PageLink, Placeholder } from '../../components/Placeholder';
import { hrefOf } from '../../route';

export function EnvironmentsPage() {
  return (
    <Placeholder
      title="Environments"
      comes="Connect to a Portainer server and add Edge environments here, with their join tokens and Edge IDs — coming next."
      meanwhile={
        <>
          build install commands with the <PageLink href={hrefOf('commands')}>Command builder</PageLink>, check a join token with the{' '}
          <PageLink href={hrefOf('inspector')}>Join-token inspector</PageLink>, or rehearse against the local server in the{' '}
          <PageLink href={hrefOf('simulator')}>Simulator</PageLink>.
        </>
      }
    />
  );
}

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

export function SettingsPage() {
  return (
    <Placeholder
      title="Settings"
      comes="Saved Portainer servers, remembered secrets (kept encrypted by the OS keyring), SSH known hosts and defaults for new commands — coming soon."
      meanwhile="nothing is stored yet: the app keeps what you type only until you close it."
    />
  );
}
