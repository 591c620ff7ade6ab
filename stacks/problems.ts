/** Collects validation problems so that one error can list all of them. */
export class Problems {
  private readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  throwIfAny(toError: (problems: string[]) => Error): void {
    if (this.list.length > 0) throw toError([...this.list]);
  }
}
