import { Alert, Badge, Button, Checkbox, Code, Group, Modal, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconShieldQuestion } from '@tabler/icons-react';
import { useEffect, type FormEvent } from 'react';
import { FieldTable } from '../../components/FieldTable';
import { TlsChangedAlert } from '../../components/TlsChangedAlert';
import type { CertificateView } from '../../../src-main/shared/schemas/portainer';
import { useServerForm } from './serverFormStore';
import { useServers } from './serversStore';

function formatDate(text: string): string {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toLocaleString();
}

/** The certificate a server presented that this computer does not trust, with the three choices. */
export function CertificatePrompt({ certificate, onChoice }: { certificate: CertificateView; onChoice: (c: 'pin' | 'insecure' | 'cancel') => void }) {
  const expired = new Date(certificate.validTo).getTime() < Date.now();
  return (
    <Stack gap="sm" data-testid="cert-prompt">
      <Alert color="yellow" icon={<IconShieldQuestion size={20} />} title="This computer does not trust the server's certificate">
        {certificate.untrustedReason ? `${certificate.untrustedReason}. ` : ''}
        {certificate.selfSigned ? 'It is self-signed (common for Portainer, which makes its own at first start). ' : ''}
        Compare the SHA-256 fingerprint with the one on the server (for example{' '}
        <Code>openssl x509 -noout -fingerprint -sha256 -in cert.pem</Code>) before you trust it.
      </Alert>
      <FieldTable
        testId="cert-fields"
        rows={[
          { label: 'SHA-256 fingerprint', value: <Code data-testid="cert-fingerprint">{certificate.sha256}</Code> },
          { label: 'Subject', value: certificate.subject || '—' },
          { label: 'Issuer', value: certificate.issuer || '—' },
          { label: 'Valid from', value: formatDate(certificate.validFrom) },
          {
            label: 'Expires',
            value: (
              <>
                {formatDate(certificate.validTo)} {expired ? <Badge color="red">expired</Badge> : null}
              </>
            ),
          },
          { label: 'Names (SAN)', value: certificate.subjectAltNames.join(', ') || '—' },
        ]}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={() => onChoice('cancel')} data-testid="cert-cancel">
          Cancel
        </Button>
        <Button color="orange" variant="light" onClick={() => onChoice('insecure')} data-testid="cert-insecure">
          Skip verification (insecure)
        </Button>
        <Button onClick={() => onChoice('pin')} data-testid="cert-pin" data-autofocus>
          Trust this certificate (pin)
        </Button>
      </Group>
    </Stack>
  );
}

/** Add or edit a Portainer server: address → certificate (if untrusted) → credentials. */
export function ServerFormModal() {
  const s = useServerForm();
  const secretsWarning = useServers((x) => x.secretsWarning);
  const secretsPersistent = useServers((x) => x.secretsPersistent === true);
  const activeName = useServers((x) => x.profiles.find((p) => p.id === x.activeId)?.name);
  const secretLabel = s.values.auth === 'apiKey' ? 'API key' : 'password';
  useEffect(() => {
    // Whether a secret can be remembered, and which server is active, come with the list.
    if (s.open && !useServers.getState().listLoaded) void useServers.getState().load();
  }, [s.open]);
  const title = s.editing ? `Edit “${s.editing.name}”` : 'Add a Portainer server';

  const onSubmitAddress = (e: FormEvent) => {
    e.preventDefault();
    void s.probe();
  };
  const onSubmitAuth = (e: FormEvent) => {
    e.preventDefault();
    void s.submit();
  };

  return (
    <Modal opened={s.open} onClose={s.close} title={title} size="lg" data-testid="server-form">
      {s.tlsChange ? <TlsChangedAlert change={s.tlsChange} serverName={s.values.name} /> : null}

      {s.step === 'address' ? (
        <form onSubmit={onSubmitAddress} noValidate>
          <Stack gap="sm">
            <TextInput
              label="Server address"
              description="Portainer's HTTPS address, usually https://<host>:9443"
              value={s.values.url}
              onChange={(e) => s.set({ url: e.currentTarget.value })}
              error={s.errors.url}
              required
              autoComplete="url"
              data-testid="server-form-url"
              data-autofocus
            />
            {s.httpsSuggestion ? (
              <Group gap="xs">
                <Button variant="light" size="xs" onClick={() => void s.useHttps()} loading={s.busy} data-testid="server-form-use-https">
                  Use {s.httpsSuggestion.url}
                </Button>
              </Group>
            ) : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={s.close}>
                Cancel
              </Button>
              <Button type="submit" loading={s.busy} data-testid="server-form-probe">
                Check server
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}

      {s.step === 'certificate' && s.certificate ? <CertificatePrompt certificate={s.certificate} onChoice={s.trust} /> : null}

      {s.step === 'auth' ? (
        <form onSubmit={onSubmitAuth} noValidate>
          <Stack gap="sm">
            <Group gap="xs">
              <Text size="sm">
                <b>{s.probedUrl ?? s.values.url}</b>
                {s.probeVersion ? ` · Portainer ${s.probeVersion}` : ''}
              </Text>
              {s.tls.mode === 'pinned' ? <Badge color="blue">certificate pinned</Badge> : null}
              {s.tls.mode === 'insecure' ? (
                <Badge color="red" data-testid="server-form-insecure">
                  verification skipped
                </Badge>
              ) : null}
              <Button variant="subtle" size="compact-sm" onClick={s.back}>
                Change address…
              </Button>
            </Group>
            {s.tls.mode === 'insecure' ? (
              <Alert color="red" icon={<IconAlertTriangle size={18} />}>
                Certificate verification is OFF: anyone on the network path could read the password and change what the server answers.
              </Alert>
            ) : null}
            {s.probeWarnings.map((w) => (
              <Alert key={w} color="yellow">
                {w}
              </Alert>
            ))}
            <TextInput label="Name" value={s.values.name} onChange={(e) => s.set({ name: e.currentTarget.value })} error={s.errors.name} required data-testid="server-form-name" />
            <SegmentedControl
              aria-label="Log in with"
              data={[
                { value: 'password', label: 'Username and password' },
                { value: 'apiKey', label: 'API key' },
              ]}
              value={s.values.auth}
              onChange={(v) => s.set({ auth: v as 'password' | 'apiKey' })}
            />
            {s.values.auth === 'password' ? (
              <>
                <TextInput
                  label="Username"
                  value={s.values.username}
                  onChange={(e) => s.set({ username: e.currentTarget.value })}
                  error={s.errors.username}
                  autoComplete="username"
                  data-testid="server-form-username"
                />
                <PasswordInput
                  label="Password"
                  description={s.editing ? 'Leave empty to keep the current one' : undefined}
                  value={s.values.password}
                  onChange={(e) => s.set({ password: e.currentTarget.value })}
                  error={s.errors.password}
                  autoComplete="current-password"
                  data-testid="server-form-password"
                />
              </>
            ) : (
              <PasswordInput
                label="API key"
                description="Create one in Portainer under My account → Access tokens"
                value={s.values.apiKey}
                onChange={(e) => s.set({ apiKey: e.currentTarget.value })}
                error={s.errors.apiKey}
                autoComplete="off"
                data-testid="server-form-apikey"
              />
            )}
            {secretsPersistent ? (
              <Checkbox
                label={`Remember the ${secretLabel} on this computer`}
                description="Kept encrypted by the OS keyring; otherwise only until you close the app"
                checked={s.values.rememberSecret}
                onChange={(e) => s.set({ rememberSecret: e.currentTarget.checked })}
                data-testid="server-form-remember"
              />
            ) : (
              // Nothing can be remembered here (serve mode, or no keyring): say so instead of offering it.
              <Text size="xs" c="dimmed" data-testid="server-form-session-only">
                The {secretLabel} is kept for this session only. {secretsWarning ?? ''}
              </Text>
            )}
            {!s.editing ? (
              <Checkbox
                label="Make it the active server"
                description={`Environments, installs and exports then work on this server${activeName ? ` instead of ${activeName}` : ''}.`}
                checked={s.values.makeActive}
                onChange={(e) => s.set({ makeActive: e.currentTarget.checked })}
                data-testid="server-form-activate"
              />
            ) : null}
            {s.errors.tls ? <Alert color="red">{s.errors.tls}</Alert> : null}
            <Group justify="flex-end">
              <Button variant="default" onClick={s.close}>
                Cancel
              </Button>
              <Button type="submit" loading={s.busy} data-testid="server-form-submit">
                {s.editing ? 'Save' : 'Connect'}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}

      {s.step === 'done' && s.result ? (
        <Stack gap="sm" data-testid="server-form-done">
          <Alert color="green" icon={<IconCircleCheck size={20} />} title={`Connected to ${s.result.profile.name}`}>
            {s.result.server ? (
              <span data-testid="server-form-version">
                Portainer {s.result.server.version}
                {s.result.server.edition ? ` ${s.result.server.edition}` : ''}
              </span>
            ) : (
              'Saved.'
            )}
          </Alert>
          {s.result.profile.active ? (
            <Group gap="xs" data-testid="server-form-active-note">
              <Text size="sm">
                {s.result.profile.name} is now the active server{s.previousActive ? `, in place of ${s.previousActive.name}` : ''}.
              </Text>
              {s.previousActive ? (
                <Button size="compact-sm" variant="default" onClick={() => void s.activate(s.previousActive!.id)} data-testid="server-form-switch-back">
                  Switch back to {s.previousActive.name}
                </Button>
              ) : null}
            </Group>
          ) : (
            <Group gap="xs" data-testid="server-form-active-note">
              <Text size="sm">{activeName ? `The active server is still ${activeName}.` : 'It is saved; no server is active.'}</Text>
              <Button size="compact-sm" variant="default" onClick={() => void s.activate(s.result!.profile.id)} data-testid="server-form-use-now">
                Use {s.result.profile.name} now
              </Button>
            </Group>
          )}
          {s.result.profile.warnings.map((w) => (
            <Alert key={w} color="orange">
              {w}
            </Alert>
          ))}
          <Group justify="flex-end">
            <Button onClick={s.close} data-autofocus data-testid="server-form-close">
              Close
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
