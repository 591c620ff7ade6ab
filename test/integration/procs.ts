/** Finding and killing a process tree (the engine with its language host, program and plugins). */
import * as fs from "fs";

export interface ProcEntry {
  pid: number;
  ppid: number;
  command: string;
}

/** Every process from /proc (Linux); vanished ones are skipped. */
export function processTable(): ProcEntry[] {
  const entries: ProcEntry[] = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      // The command sits in parentheses and may itself contain spaces or parentheses.
      const close = stat.lastIndexOf(")");
      const command = stat.slice(stat.indexOf("(") + 1, close);
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      entries.push({ pid: Number(name), ppid, command });
    } catch {
      // exited while we looked
    }
  }
  return entries;
}

/** pid and all its descendants, parents before children. */
export function processTree(pid: number, table: ProcEntry[]): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const p of table) if (p.ppid === tree[i]) tree.push(p.pid);
  }
  return tree;
}

/** Children of `parent` whose command name is `command`. */
export function childrenNamed(parent: number, command: string, table: ProcEntry[]): number[] {
  return table.filter((p) => p.ppid === parent && p.command === command).map((p) => p.pid);
}

/** SIGKILLs a whole tree at once, as a crash or OOM kill of the machine would. */
export function killTree(pid: number): number[] {
  const tree = processTree(pid, processTable());
  for (const p of tree) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
  return tree;
}
