/** Plain data of the prestage (offline join token) feature. */

/** How the agent is run on the device; decides install.sh's runtime and the container engine. */
export type DevicePlatform = 'standalone' | 'podman' | 'kubernetes' | 'windows';
export const DEVICE_PLATFORMS: readonly DevicePlatform[] = ['standalone', 'podman', 'kubernetes', 'windows'];

/** One prestaged environment as the cache keeps it: enough to build its bundle with no server. */
export interface PrestagedEnvironment {
  environmentId: number;
  name: string;
  /** The join token (secret). */
  edgeKey: string;
  edgeId: string;
  /** The server the environment lives on (the profile URL, not the key's URL). */
  serverUrl: string;
  /** Field 1 and 2 of the key, kept for the manifest. */
  portainerUrl: string;
  tunnelAddress: string;
  fingerprint: string;
  /** The server version = agent image tag. */
  agentVersion: string;
  insecurePoll: boolean;
  /** AGENT_SECRET of the server, when set (secret). */
  agentSecret?: string;
  /** Extra env vars, NAME=value items separated by commas (Portainer's field). */
  envVars?: string;
  platform: DevicePlatform;
  groupName?: string;
  tags?: string[];
  /** The environment's poll interval in seconds (0 or absent: the server default). */
  pollSeconds?: number;
  /** Address Ansible should reach the device on (from the CSV's host column). */
  host?: string;
  /** ISO time the environment was created (by us) or first seen. */
  createdAt: string;
  /** ISO time the server last confirmed this data. */
  lastConfirmedWithServer: string;
}

export type BundleFormat = 'env' | 'script' | 'compose' | 'ps1' | 'cloud-init' | 'k8s' | 'ansible' | 'labels';
export const BUNDLE_FORMATS: readonly BundleFormat[] = ['env', 'script', 'compose', 'ps1', 'cloud-init', 'k8s', 'ansible', 'labels'];

export interface ExportOptions {
  formats: BundleFormat[];
  /** YYYY-MM-DD: the intended end of the bundle's use (Portainer keys never expire; install.sh refuses after it). */
  expires?: string;
  /** Put the join token into the label QR codes (off by default: labels are printed and stuck on devices). */
  labelsIncludeKey?: boolean;
  /** ISO time of the export. */
  createdAt: string;
  /** Seconds install.sh waits for the Docker daemon (cloud-init first boot uses 120). */
  dockerWaitSeconds?: number;
  /** --include-image: the agent image archive at the export root, which install.sh checks and loads. */
  image?: BundleImage;
}

/** The agent image in an export: `agent-image/<file>` at the root, its sha256 and image ID. */
export interface BundleImage {
  /** The file name under agent-image/. */
  file: string;
  /** The archive on this computer, copied into the export as it is written. */
  source: string;
  sha256: string;
  id?: string;
}

export const IMAGE_DIR = 'agent-image';

/** One file of an export, relative to the export root. */
export interface ExportFile {
  path: string;
  content: string | Uint8Array;
  /** 0o600 for anything holding the key or secret, 0o700 for scripts holding them, else 0o644/0o755. */
  mode: number;
  /** Copied from this file on this computer instead of `content` (a large image archive). */
  copyFrom?: string;
}

export const SECRET_FILE_MODE = 0o600;
export const DIR_MODE = 0o700;
