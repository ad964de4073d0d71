// Tests read JSON bodies loosely; assertions check their shape.
declare global {
  interface Response {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert the shape
    json(): Promise<any>;
  }
}
export {};
