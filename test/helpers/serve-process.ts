/** `hookline serve` as a child process: the helper lives with the benchmarks, which run it too. */
export * from '../../bench/serve-process.js';
