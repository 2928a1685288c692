/**
 * The one redaction step every log line and transcript passes through.
 * Registered secrets are replaced wherever they appear; well-known secret shapes are masked too.
 */
const MASK = '[redacted]';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Secrets shorter than 4 characters are not registered: masking them would shred ordinary text. */
  add(secret: string | undefined | null): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join(MASK);
    return out
      .replace(/(EDGE_KEY|AGENT_SECRET|PASSWORD|NOMAD_TOKEN)=([^\s"']+)/gi, `$1=${MASK}`)
      .replace(/(X-API-KEY:\s*|Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`)
      .replace(/\bptr_[A-Za-z0-9+/=]{8,}/g, MASK);
  }
}
