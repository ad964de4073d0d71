/** The part of autocannon 9's API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  export interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    duration?: number;
    /** Replace `[<id>]` in the request with a unique id per request. */
    idReplacement?: boolean;
    timeout?: number;
    /** Stop after this many requests (`duration` is then ignored). */
    amount?: number;
    /** Sampling interval in ms; the end of a run is noticed at a sample. @defaultValue 1000 */
    sampleInt?: number;
  }
  export interface Histogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  export interface Result {
    latency: Histogram;
    requests: Histogram & { total: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }
  export interface Instance {
    stop(): void;
    /** Each answer, as it arrives: its status and how long it took (ms). */
    on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): this;
    /** A request that failed without an answer (a socket error or a timeout). */
    on(event: 'reqError', listener: (error: Error) => void): this;
  }
  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
