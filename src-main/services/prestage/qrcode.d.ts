// The part of qrcode 1.5 the labels use (the package ships no types).
declare module 'qrcode' {
  interface BitMatrix {
    size: number;
    get(row: number, col: number): number | boolean;
  }
  interface QRCode {
    modules: BitMatrix;
  }
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): QRCode;
  const _default: { create: typeof create };
  export default _default;
}
