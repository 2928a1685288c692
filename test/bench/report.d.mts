/** Writes one benchmark's section into docs/benchmarks.md (see report.mjs). */
export function writeSection(marker: string, text: string): void;
