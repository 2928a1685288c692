import { Alert, Button, Checkbox, Group, PasswordInput, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconFolderOpen, IconRefresh } from '@tabler/icons-react';
import { useEffect } from 'react';
import { useCapabilities } from '../../capabilities';
import { LabelledChoice } from '../../components/LabelledChoice';
import type { Delivery } from './exportStore';
import { ALL_FORMATS, FORMAT_INFO } from './formats';
import { useExportOptions, type Encryption } from './optionsStore';

interface Props {
  idPrefix: string;
  /** Offer a browser download besides the folder (prestage:export only; shown in the browser). */
  delivery?: { value: Delivery; onChange(value: Delivery): void };
  /** false: leave out the per-device formats (the auto-onboarding bundle has its own). */
  deviceFormats?: boolean;
}

/** The per-device bundle formats, and the labels' join-token opt-in. */
function DeviceFormats({ idPrefix }: { idPrefix: string }) {
  const o = useExportOptions();
  const store = useExportOptions.getState;
  return (
    <>
      <div role="group" aria-labelledby={`${idPrefix}-formats-label`}>
        <Text size="sm" fw={500} id={`${idPrefix}-formats-label`}>
          Formats
        </Text>
        <Text size="xs" c="dimmed" mb={6}>
          Each device gets its own folder with the files of the chosen formats, a README.txt and a manifest.json (SHA-256 of every file).
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing={6}>
          {ALL_FORMATS.map((f) => (
            <Checkbox
              key={f}
              label={
                <>
                  <b>{f}</b> · {FORMAT_INFO[f].label}
                </>
              }
              description={FORMAT_INFO[f].files}
              checked={o.formats.includes(f)}
              onChange={(e) => store().toggleFormat(f, e.currentTarget.checked)}
              data-testid={`${idPrefix}-format-${f}`}
            />
          ))}
        </SimpleGrid>
        {o.errors.formats ? (
          <Text size="xs" c="red" mt={4} role="alert" data-testid={`${idPrefix}-formats-error`}>
            {o.errors.formats}
          </Text>
        ) : null}
      </div>

      {o.formats.includes('labels') ? (
        <div>
          <Checkbox
            label="Put the join token in the label QR codes"
            description="Off by default: labels are printed and stuck on devices, and anyone who scans one can attach a device to the environment."
            checked={o.labelsIncludeKey}
            onChange={(e) => store().set({ labelsIncludeKey: e.currentTarget.checked })}
            data-testid={`${idPrefix}-labels-key`}
          />
          {o.labelsIncludeKey ? (
            <Alert color="orange" icon={<IconAlertTriangle size={16} />} mt="xs" data-testid={`${idPrefix}-labels-key-warning`}>
              The labels will carry the join token. Treat the printed labels like passwords: keep them off public devices and destroy spares. labels.html is written with mode 600.
            </Alert>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

/** Formats, expiry, encryption and output folder (or download): the options of prestage:export and importRun. */
export function ExportOptionsFields({ idPrefix, delivery, deviceFormats = true }: Props) {
  const o = useExportOptions();
  const store = useExportOptions.getState;
  const caps = useCapabilities((c) => c.caps);
  const canDownload = delivery !== undefined && caps?.transport === 'web';
  const downloading = canDownload && delivery.value === 'download';

  useEffect(() => {
    if (store().outDir === '') void store().suggestOutDir();
    void useCapabilities.getState().load();
  }, [store]);

  return (
    <Stack gap="md" data-testid={`${idPrefix}-options`}>
      {deviceFormats ? <DeviceFormats idPrefix={idPrefix} /> : null}

      <TextInput
        type="date"
        label="Use before (optional)"
        description="Portainer join tokens never expire; install.sh refuses to run after this date, and every manifest records it."
        value={o.expires}
        onChange={(e) => store().set({ expires: e.currentTarget.value })}
        error={o.errors.expires}
        maw={560}
        data-testid={`${idPrefix}-expires`}
      />

      <LabelledChoice<Encryption>
        id={`${idPrefix}-encryption-label`}
        label="Encryption"
        hint={
          <>
            Encrypted exports are one .tar.age file; decrypt with <code>age -d</code>.
          </>
        }
        data={[
          { value: 'none', label: 'None' },
          { value: 'passphrase', label: 'Passphrase' },
          { value: 'age', label: 'age recipients' },
        ]}
        value={o.encryption}
        onChange={(encryption) => store().set({ encryption })}
        data-testid={`${idPrefix}-encryption`}
      />
      {o.encryption === 'none' ? (
        <Text size="xs" c="orange" data-testid={`${idPrefix}-plain-note`}>
          Not encrypted: the {downloading ? 'archive' : 'folder'} holds join tokens in plain files (mode 600, folders 700). Move it only over channels you trust.
        </Text>
      ) : null}
      {o.encryption === 'passphrase' ? (
        <PasswordInput
          label="Passphrase"
          description="At least 8 characters; better 4–5 random words. Edgedeck does not keep it: you need it to decrypt."
          value={o.passphrase}
          onChange={(e) => store().set({ passphrase: e.currentTarget.value })}
          error={o.errors.passphrase}
          autoComplete="new-password"
          w={420}
          data-testid={`${idPrefix}-passphrase`}
        />
      ) : null}
      {o.encryption === 'age' ? (
        <Textarea
          label="age recipients"
          description="Public keys (age1…), one per line; any of the matching identities can decrypt."
          value={o.recipients}
          onChange={(e) => store().set({ recipients: e.currentTarget.value })}
          error={o.errors.recipients}
          autosize
          minRows={3}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          data-testid={`${idPrefix}-recipients`}
        />
      ) : null}

      {canDownload ? (
        <LabelledChoice<Delivery>
          id={`${idPrefix}-delivery-label`}
          label="Deliver as"
          data={[
            { value: 'folder', label: 'Folder on this computer' },
            { value: 'download', label: 'Download archive' },
          ]}
          value={delivery.value}
          onChange={(v) => delivery.onChange(v)}
          data-testid={`${idPrefix}-delivery`}
        />
      ) : null}
      {downloading ? (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} maw={720} data-testid={`${idPrefix}-download-note`}>
          {o.encryption === 'none'
            ? 'Your browser saves one .tar file to its downloads folder. The archive holds the join tokens in plain files: anyone with it can attach a device to these environments. Keep it private (or choose encryption above) and delete it after the install.'
            : 'Your browser saves one encrypted .tar.age file to its downloads folder. It holds the join tokens, readable with the passphrase or an age identity: keep it private and delete it after the install.'}{' '}
          The download link works once, within 10 minutes of the export.
        </Alert>
      ) : (
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <TextInput
            label="Output folder"
            description={
              o.encryption === 'none'
                ? 'A new folder on this computer (an export never overwrites one).'
                : 'The folder the .tar.age file is written to; it is created if missing.'
            }
            value={o.outDir}
            onChange={(e) => store().set({ outDir: e.currentTarget.value })}
            error={o.errors.outDir}
            placeholder="/home/me/edgedeck-export-…"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            style={{ flex: 1 }}
            data-testid={`${idPrefix}-outdir`}
          />
          {caps?.nativeDialogs ? (
            <Button variant="default" leftSection={<IconFolderOpen size={16} />} onClick={() => void store().chooseFolder()} mb={o.errors.outDir ? 22 : 0} data-testid={`${idPrefix}-choose-folder`}>
              Choose folder…
            </Button>
          ) : null}
          <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => void store().suggestOutDir(true)} mb={o.errors.outDir ? 22 : 0}>
            New folder name
          </Button>
        </Group>
      )}
    </Stack>
  );
}
