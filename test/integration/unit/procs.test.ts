import { childrenNamed, processTable, processTree, ProcEntry } from "../procs";

const table: ProcEntry[] = [
  { pid: 1, ppid: 0, command: "init" },
  { pid: 10, ppid: 1, command: "node" },
  { pid: 11, ppid: 10, command: "pulumi" },
  { pid: 12, ppid: 11, command: "pulumi-language-" },
  { pid: 13, ppid: 12, command: "node" },
  { pid: 14, ppid: 11, command: "pulumi-resource-" },
  { pid: 20, ppid: 1, command: "other" },
];

describe("processTree", () => {
  it("collects a process and all its descendants, parents first", () => {
    expect(processTree(11, table)).toEqual([11, 12, 14, 13]);
  });
});

describe("childrenNamed", () => {
  it("finds the engine among a parent's children", () => {
    expect(childrenNamed(10, "pulumi", table)).toEqual([11]);
    expect(childrenNamed(1, "pulumi", table)).toEqual([]);
  });
});

describe("processTable", () => {
  it("reads this very process with its parent", () => {
    const me = processTable().find((p) => p.pid === process.pid);
    expect(me?.ppid).toBe(process.ppid);
  });
});
