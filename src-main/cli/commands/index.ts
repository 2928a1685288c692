import type { Command } from '../io';

/** A subcommand as `edgedeck --help` lists it; its module is loaded only when it runs. */
export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

/** Every subcommand, in the order `edgedeck --help` lists them. */
export const commands: CommandEntry[] = [
  { name: 'start', summary: 'Open the desktop app (falls back to the browser UI where Electron cannot run).', load: async () => (await import('./start')).startCommand },
  { name: 'serve', summary: 'Run Edgedeck in your browser through a loopback web bridge (no Electron needed).', load: async () => (await import('./serve')).serveCommand },
  { name: 'key', summary: 'Decode a join token (Edge key) and check it, or build one from its fields.', load: async () => (await import('./key')).keyCommand },
  { name: 'command', summary: 'Print the agent install command exactly as Portainer shows it (values quoted where the shell needs it).', load: async () => (await import('./command')).commandCommand },
  { name: 'env', summary: 'List, show, create, update and delete Edge environments on a Portainer server.', load: async () => (await import('./env')).envCommand },
  {
    name: 'install',
    summary: 'Install the Edge agent on many hosts over SSH (preflight, env file, start, check-in), with canary, failure stop and resume.',
    load: async () => (await import('./install/command')).installCommand,
  },
  {
    name: 'export',
    summary: 'Export prestaged join-token bundles (env file, install.sh, compose, PowerShell, cloud-init, Kubernetes, Ansible, labels); bulk-create from CSV; clean up unused tokens.',
    load: async () => (await import('./export')).exportCommand,
  },
  {
    name: 'known-hosts',
    summary: "List the SSH host keys on record (Edgedeck's own and ~/.ssh/known_hosts) and forget a host's key after a legitimate change.",
    load: async () => (await import('./knownHosts')).knownHostsCommand,
  },
  { name: 'sim', summary: 'Run a local Portainer-compatible server (CE 2.23) that real or simulated Edge agents can check in to.', load: async () => (await import('./sim')).simCommand },
  { name: 'agents', summary: 'Run simulated Portainer Edge agents against a server (one or many, in this process).', load: async () => (await import('./agents')).agentsCommand },
];
