import { Alert, Select, Stack, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useExportStore, type IncludeImage } from './exportStore';
import { useExportOptions } from './optionsStore';

/**
 * "Include the agent image" (CLI: export --include-image [--image-archive FILE]): for sites that
 * cannot pull it, the export carries the image archive under agent-image/ with its sha256, and
 * each install.sh checks and loads it before starting the agent. A plain folder export only.
 */
export function IncludeImageFields() {
  const s = useExportStore();
  const encrypted = useExportOptions((o) => o.encryption !== 'none');
  const unavailable = encrypted || s.delivery === 'download';
  return (
    <Stack gap="xs" data-testid="export-image">
      <Select
        label="Agent image"
        description={
          unavailable
            ? 'The image goes into a plain folder export only (it is large and holds no secret): choose no encryption and a folder to include it.'
            : "For sites that cannot pull it: the archive (often 50–200 MB) goes into agent-image/ with its SHA-256; install.sh checks it with sha256sum and loads it (docker load / podman load), or skips it when the device has the same image."
        }
        data={[
          { value: 'off', label: 'Devices pull it from the registry' },
          { value: 'engine', label: "Include it from this computer's Docker (docker save)" },
          { value: 'archive', label: 'Include it from an image archive file' },
        ]}
        value={s.includeImage}
        onChange={(v) => v && useExportStore.getState().setImage({ includeImage: v as IncludeImage })}
        allowDeselect={false}
        maw={560}
        error={s.includeImage !== 'archive' ? s.imageError : undefined}
        data-testid="export-include-image"
      />
      {s.includeImage === 'archive' ? (
        <TextInput
          label="Image archive"
          description="Path on this computer of what docker save -o FILE portainer/agent:<version> wrote (the version the server runs)."
          placeholder="/path/to/portainer-agent.tar"
          value={s.imageArchive}
          onChange={(e) => useExportStore.getState().setImage({ imageArchive: e.currentTarget.value })}
          error={s.imageError}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          maw={720}
          data-testid="export-image-archive"
        />
      ) : null}
      {s.includeImage !== 'off' && unavailable ? (
        <Alert color="orange" icon={<IconAlertTriangle size={16} />} maw={720} data-testid="export-image-unavailable">
          This export is {encrypted ? 'encrypted' : 'a download'}: the image cannot go into it. Choose no encryption and a folder, or set the image back to “pull from the registry”.
        </Alert>
      ) : null}
    </Stack>
  );
}
