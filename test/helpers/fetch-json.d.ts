// Tests read JSON bodies loosely; assertions check their shape.
declare global {
  interface Response {
    json(): Promise<any>;
  }
}
export {};
