import { Alert, Badge, Button, Group, NumberInput, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconAlertTriangle, IconInfoCircle } from '@tabler/icons-react';
import { useEffect } from 'react';
import { CopyField } from '../../components/CopyField';
import { FieldTable } from '../../components/FieldTable';
import type { EdgeKeyField, EdgeKeyFields } from '../../../src-main/shared/domain/types';
import { fingerprintKind, fingerprintKindLabel } from './fingerprint';
import { useInspector } from './inspectorStore';
import { keyFieldLabels } from '../../components/keyFieldLabels';

const fieldLabels = keyFieldLabels;

function fieldRows(fields: EdgeKeyFields) {
  const kind = fingerprintKind(fields.tunnelFingerprint);
  return [
    { label: fieldLabels.portainerUrl, value: <Text ff="monospace" size="sm">{fields.portainerUrl}</Text> },
    { label: fieldLabels.tunnelAddress, value: <Text ff="monospace" size="sm">{fields.tunnelAddress}</Text> },
    {
      label: fieldLabels.tunnelFingerprint,
      value: (
        <Group gap="xs" wrap="nowrap" align="flex-start">
          <Badge variant="light" color={kind === 'sha256' ? 'teal' : kind === 'md5' ? 'yellow' : 'gray'} style={{ flexShrink: 0 }}>
            {fingerprintKindLabel[kind]}
          </Badge>
          <Text ff="monospace" size="sm" style={{ overflowWrap: 'anywhere' }}>
            {fields.tunnelFingerprint || '(empty)'}
          </Text>
        </Group>
      ),
    },
    { label: fieldLabels.environmentId, value: <Text ff="monospace" size="sm">{fields.environmentId}</Text> },
    { label: 'Global key', value: fields.global ? 'Yes (environment ID 0: the server finds the environment by Edge ID)' : 'No' },
  ];
}

export function Inspector() {
  return (
    <Stack gap="xl" maw={900}>
      <DecodePanel />
      <EncodePanel />
    </Stack>
  );
}

function DecodePanel() {
  const key = useInspector((s) => s.key);
  const decoded = useInspector((s) => s.decoded);
  const error = useInspector((s) => s.error);
  const setKey = useInspector((s) => s.setKey);
  const decode = useInspector((s) => s.decode);
  const editDecoded = useInspector((s) => s.editDecoded);
  const decodeSoon = useDebouncedCallback(() => void decode(), 150);

  useEffect(() => {
    // Coming back to the page: make sure what is shown matches the kept text.
    if (useInspector.getState().key.trim() !== '') void useInspector.getState().decode();
  }, []);

  return (
    <Stack gap="md">
      <Title order={2}>Join-token inspector</Title>
      <Text c="dimmed" size="sm">
        Paste the join token from Portainer (the <code>EDGE_KEY</code> value). It is decoded here, in the app; nothing is sent to a server.
      </Text>
      <Textarea
        label="Join token (Edge key)"
        placeholder="aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZS5jb206OTQ0M3w…"
        autosize
        minRows={3}
        maxRows={8}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        value={key}
        onChange={(e) => {
          setKey(e.currentTarget.value);
          decodeSoon();
        }}
        error={error ? <span data-testid="inspector-error">{error}</span> : undefined}
        data-testid="inspector-input"
      />
      {decoded && !error ? (
        <Stack gap="sm">
          <FieldTable testId="inspector-fields" rows={fieldRows(decoded.fields)} />
          {decoded.warnings.map((w, i) => (
            <Alert
              key={`${w.field}-${i}`}
              color={w.level === 'warn' ? 'orange' : 'blue'}
              icon={w.level === 'warn' ? <IconAlertTriangle size={18} /> : <IconInfoCircle size={18} />}
              title={fieldLabels[w.field] ?? w.field}
              data-testid="inspector-warning"
              data-level={w.level}
            >
              {w.message}
            </Alert>
          ))}
          <Group>
            <Button variant="default" onClick={editDecoded}>
              Edit these fields below
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Stack>
  );
}

function EncodePanel() {
  const form = useInspector((s) => s.encode);
  const encoded = useInspector((s) => s.encoded);
  const encodeError = useInspector((s) => s.encodeError);
  const setEncode = useInspector((s) => s.setEncode);
  const buildKey = useInspector((s) => s.buildKey);
  const errorFor = (field: EdgeKeyField) => (encodeError?.field === field ? encodeError.message : undefined);
  const otherError = encodeError && !(encodeError.field && encodeError.field in fieldLabels) ? encodeError.message : undefined;

  return (
    <Stack gap="md" component="form" onSubmit={(e) => { e.preventDefault(); void buildKey(); }}>
      <Title order={3}>Build a key</Title>
      <Text c="dimmed" size="sm">
        Community Edition cannot set a separate tunnel address: decode a key, change the field here and build a new one. To make a global key, take the
        fingerprint from any key of the same server and use environment ID 0.
      </Text>
      <TextInput
        label="Portainer URL"
        placeholder="https://portainer.example.com:9443"
        value={form.portainerUrl}
        onChange={(e) => setEncode({ portainerUrl: e.currentTarget.value })}
        error={errorFor('portainerUrl')}
      />
      <TextInput
        label="Tunnel address"
        description="host:port of the tunnel server (Portainer's --tunnel-port, 8000 by default)"
        placeholder="portainer.example.com:8000"
        value={form.tunnelAddress}
        onChange={(e) => setEncode({ tunnelAddress: e.currentTarget.value })}
        error={errorFor('tunnelAddress')}
      />
      <TextInput
        label="Tunnel fingerprint"
        description="Leave empty to skip the agent's host-key check (not recommended)"
        value={form.tunnelFingerprint}
        onChange={(e) => setEncode({ tunnelFingerprint: e.currentTarget.value })}
        error={errorFor('tunnelFingerprint')}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      />
      <NumberInput
        label="Environment ID"
        description="0 makes a global key"
        min={0}
        allowDecimal={false}
        allowNegative={false}
        value={form.environmentId}
        onChange={(v) => setEncode({ environmentId: typeof v === 'number' ? v : v === '' ? '' : Number(v) })}
        error={errorFor('environmentId')}
        maw={200}
      />
      {otherError ? <Alert color="red">{otherError}</Alert> : null}
      <Group>
        <Button type="submit">Build key</Button>
      </Group>
      {encoded ? (
        <Stack gap="xs">
          <CopyField label="Join token" value={encoded} testId="encoded-key" />
          <Group>
            <Button
              variant="subtle"
              onClick={() => {
                useInspector.getState().setKey(encoded);
                void useInspector.getState().decode();
              }}
            >
              Inspect this key
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Stack>
  );
}
