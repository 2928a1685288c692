/** `17:05`: a moment as a wall-clock time in this computer's time zone (a ban's end, say). */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
