import { csvFormatRow } from 'd3-dsv';
import { create as createQr } from 'qrcode';
import { buildDeviceBundle, safeFolderName } from './bundle';
import type { ExportFile, ExportOptions, PrestagedEnvironment } from './types';
import { IMAGE_DIR, SECRET_FILE_MODE } from './types';
import { yq } from './yamlText';

/**
 * The whole export, without I/O: one folder per device under devices/, plus the fleet files
 * (fleet.csv, Ansible inventory.yml + playbook.yml, labels.html) at the root.
 */

export interface ExportPlan {
  files: ExportFile[];
  /** Device name → its folder (relative to the export root). */
  folders: Map<number, string>;
}

/** Unique folder per device: its safe name, with "-<environment id>" added on a clash. */
export function deviceFolders(envs: PrestagedEnvironment[]): Map<number, string> {
  const used = new Set<string>();
  const out = new Map<number, string>();
  for (const e of envs) {
    let f = safeFolderName(e.name);
    if (used.has(f.toLowerCase())) f = `${f}-${e.environmentId}`;
    used.add(f.toLowerCase());
    out.set(e.environmentId, `devices/${f}`);
  }
  return out;
}

export function buildExport(envs: PrestagedEnvironment[], o: ExportOptions): ExportPlan {
  const folders = deviceFolders(envs);
  const files: ExportFile[] = [];
  for (const e of envs) files.push(...buildDeviceBundle(e, folders.get(e.environmentId)!, o));
  const formats = new Set(o.formats);
  files.push({ path: 'fleet.csv', content: renderFleetCsv(envs, folders, o), mode: 0o644 });
  if (formats.has('ansible')) {
    files.push({ path: 'inventory.yml', content: renderInventory(envs, folders), mode: 0o644 });
    files.push({ path: 'playbook.yml', content: renderPlaybook(), mode: 0o644 });
  }
  if (formats.has('labels')) files.push({ path: 'labels.html', content: renderLabels(envs, o), mode: o.labelsIncludeKey ? SECRET_FILE_MODE : 0o644 });
  // No secret in an image: readable, as the rest of the root (the folder itself stays 0700).
  if (o.image) files.push({ path: `${IMAGE_DIR}/${o.image.file}`, content: '', copyFrom: o.image.source, mode: 0o644 }, { path: `${IMAGE_DIR}/${o.image.file}.sha256`, content: `${o.image.sha256}  ${o.image.file}\n`, mode: 0o644 });
  return { files, folders };
}

// ---------------------------------------------------------------------------------------------
// fleet.csv

/** No secrets: names, IDs and where each bundle is. Its first columns read back as an import CSV. */
export function renderFleetCsv(envs: PrestagedEnvironment[], folders: Map<number, string>, o: ExportOptions): string {
  const head = ['name', 'group', 'tags', 'poll', 'platform', 'edge_id', 'host', 'environment_id', 'bundle', 'expires', 'last_confirmed_with_server'];
  const rows = envs.map((e) => [e.name, e.groupName ?? '', (e.tags ?? []).join(';'), e.pollSeconds ?? '', e.platform, e.edgeId, e.host ?? '', e.environmentId, folders.get(e.environmentId) ?? '', o.expires ?? '', e.lastConfirmedWithServer]);
  // RFC 4180 quoting by d3-dsv; CRLF between records, as RFC 4180 and spreadsheets expect.
  return [head, ...rows].map((r) => csvFormatRow(r.map(String))).join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------------------------------------
// Ansible

/** Hosts by device name; ansible_host from the CSV's host column, else a commented placeholder. */
export function renderInventory(envs: PrestagedEnvironment[], folders: Map<number, string>): string {
  const lines = [
    '---',
    '# Edgedeck prestaged devices. Set ansible_host where it is commented out (the host name is',
    '# used otherwise), then: ansible-playbook -i inventory.yml playbook.yml',
    'all:',
    '  children:',
    '    edgedeck_devices:',
    '      hosts:',
  ];
  for (const e of envs) {
    lines.push(`        ${yq(e.name)}:`);
    if (e.host) lines.push(`          ansible_host: ${yq(e.host)}`);
    else lines.push(`          # ansible_host: ${yq(`address-of-${safeFolderName(e.name)}`)}`);
    lines.push(`          edgedeck_bundle: ${yq(folders.get(e.environmentId)!)}`);
    lines.push(`          edgedeck_environment_id: ${e.environmentId}`);
  }
  if (envs.length === 0) lines.push('        {}');
  return lines.join('\n') + '\n';
}

/** Copies each host's bundle (env file 0600 in a root-only folder) and runs its install.sh as root. */
export function renderPlaybook(): string {
  return `---
# Edgedeck: install the prestaged Portainer Edge agents.
#   ansible-playbook -i inventory.yml playbook.yml
# Each host gets its own bundle (devices/<name>/) in a root-only folder; install.sh then moves the
# env file to /etc/portainer-edge (mode 600) and starts the agent. Safe to run again.
- name: Install prestaged Portainer Edge agents
  hosts: edgedeck_devices
  become: true
  gather_facts: false
  vars:
    edgedeck_remote_dir: /var/lib/edgedeck/bundle
    edgedeck_install_env: {}
  tasks:
    - name: Create the root-only bundle folder
      ansible.builtin.file:
        path: "{{ edgedeck_remote_dir }}"
        state: directory
        owner: root
        group: root
        mode: "0700"

    - name: Copy the agent settings (holds the join token)
      ansible.builtin.copy:
        src: "{{ playbook_dir }}/{{ edgedeck_bundle }}/agent.env"
        dest: "{{ edgedeck_remote_dir }}/agent.env"
        owner: root
        group: root
        mode: "0600"
      no_log: true

    - name: Copy install.sh
      ansible.builtin.copy:
        src: "{{ playbook_dir }}/{{ edgedeck_bundle }}/install.sh"
        dest: "{{ edgedeck_remote_dir }}/install.sh"
        owner: root
        group: root
        mode: "0700"

    - name: Run install.sh
      ansible.builtin.command:
        cmd: sh "{{ edgedeck_remote_dir }}/install.sh"
      environment: "{{ edgedeck_install_env }}"
      register: edgedeck_install
      changed_when: "'nothing to do' not in edgedeck_install.stdout"

    - name: Say what install.sh did
      ansible.builtin.debug:
        var: edgedeck_install.stdout_lines
`;
}

// ---------------------------------------------------------------------------------------------
// Labels

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** What a label's QR code holds: the Edge ID and the environment name (the key only on request). */
export function labelPayload(e: PrestagedEnvironment, includeKey: boolean): string {
  const p: Record<string, string | number> = { name: e.name, edgeId: e.edgeId, environmentId: e.environmentId };
  if (includeKey) p.edgeKey = e.edgeKey;
  return JSON.stringify(p);
}

/** A QR code as an inline SVG (one path; 4-module quiet zone). */
export function qrSvg(text: string): string {
  const m = createQr(text, { errorCorrectionLevel: 'M' }).modules;
  const q = 4;
  const size = m.size + 2 * q;
  let d = '';
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) if (m.get(r, c)) d += `M${c + q} ${r + q}h1v1h-1z`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" shape-rendering="crispEdges" role="img"><rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

export function renderLabels(envs: PrestagedEnvironment[], o: ExportOptions): string {
  const includeKey = o.labelsIncludeKey === true;
  const cards = envs
    .map(
      (e) => `<div class="label">
  ${qrSvg(labelPayload(e, includeKey))}
  <div class="text"><div class="name">${esc(e.name)}</div>
  <div>Environment ${e.environmentId}</div>
  <div class="id">Edge ID ${esc(e.edgeId)}</div>${o.expires ? `\n  <div>Use before ${esc(o.expires)}</div>` : ''}</div>
</div>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Edgedeck device labels</title>
<style>
  @page { size: A4; margin: 10mm; }
  body { font-family: system-ui, sans-serif; margin: 0; }
  .sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4mm; }
  .label { display: flex; gap: 3mm; align-items: center; border: 1px dashed #999; padding: 3mm; break-inside: avoid; }
  .label svg { width: 28mm; height: 28mm; flex: none; }
  .name { font-weight: 700; font-size: 12pt; word-break: break-all; }
  .text { font-size: 8pt; line-height: 1.3; }
  .id { font-family: ui-monospace, monospace; word-break: break-all; }
  ${includeKey ? '.warn { color: #b00; font-weight: 700; }' : ''}
</style>
</head>
<body>
${includeKey ? '<p class="warn">These labels carry the join token in their QR codes: anyone who scans one can attach a device to the environment.</p>\n' : ''}<div class="sheet">
${cards}
</div>
</body>
</html>
`;
}
