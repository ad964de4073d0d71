/**
 * Lowers the calling thread's CPU priority. Linux keeps a nice value per thread, and
 * `setpriority(PRIO_PROCESS, tid)` (what `os.setPriority` calls) takes a thread id, which
 * `/proc/thread-self` names. A pool thread at nice 10 gets about a tenth of a core's time when the
 * thread that answers requests also wants it, and all the idle time otherwise.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Returns whether the priority was lowered (false off Linux, or where the kernel refuses). */
export function lowerThreadPriority(nice: number): boolean {
  if (nice <= 0 || process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    // Best effort: the pacer still keeps the main thread's share where a container forbids this.
    return false;
  }
}
