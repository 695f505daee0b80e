import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (sysconf(_SC_CLK_TCK); 100 on Linux). */
export const CLOCK_TICKS_PER_SECOND = 100;

/**
 * utime + stime in clock ticks from the text of /proc/<pid>/stat. The command name (field 2) is in
 * parentheses and may hold spaces and parentheses, so fields are counted after the last `)`.
 */
export function cpuTicksOf(stat: string): number {
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(/\s+/);
  // After the name: state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error('unreadable /proc/<pid>/stat');
  return utime + stime;
}

/** Resident set size in bytes from the text of /proc/<pid>/status (`VmRSS:  123456 kB`). */
export function rssBytesOf(status: string): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match?.[1]) throw new Error('no VmRSS in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

export interface ProcessSample {
  /** CPU time used so far (user + system), in ms. */
  cpuMs: number;
  rssBytes: number;
}

/** The CPU time and RSS of a process on Linux. */
export function sampleProcess(pid: number): ProcessSample {
  const ticks = cpuTicksOf(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  return {
    cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND,
    rssBytes: rssBytesOf(readFileSync(`/proc/${pid}/status`, 'utf8')),
  };
}
