import type { z } from 'zod';
import { bundleFormatSchema } from '../../../src-main/shared/schemas/prestage';

export type BundleFormat = z.infer<typeof bundleFormatSchema>;
export const ALL_FORMATS: readonly BundleFormat[] = bundleFormatSchema.options;

/** What each format writes (services/prestage/bundle.ts and fleet.ts), for the form and the result. */
export const FORMAT_INFO: Record<BundleFormat, { label: string; files: string; secret: boolean }> = {
  env: { label: 'Env file', files: 'agent.env (mode 600: holds the join token)', secret: true },
  script: { label: 'Linux install script', files: 'install.sh (Docker or Podman; refuses after the expiry date)', secret: false },
  compose: { label: 'Docker Compose', files: 'docker-compose.yml (reads agent.env)', secret: false },
  ps1: { label: 'Windows PowerShell', files: 'install.ps1', secret: false },
  'cloud-init': { label: 'cloud-init user-data', files: 'cloud-init.yaml (mode 600: holds the join token)', secret: true },
  k8s: { label: 'Kubernetes manifest', files: 'kubernetes.yaml (vendored, mode 600: holds the join token)', secret: true },
  ansible: { label: 'Ansible', files: 'inventory.yml and playbook.yml at the top (adds install.sh per device)', secret: false },
  labels: { label: 'Printable QR labels', files: 'labels.html at the top (name, Edge ID; no join token unless you opt in)', secret: false },
};
