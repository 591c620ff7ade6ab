/** Progress lines on stdout; the engine's own output to one file per operation (kept after the run). */
import * as fs from "fs";
import * as path from "path";

export class Logger {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  say(message: string): void {
    console.log(`[itest ${new Date().toISOString().slice(11, 19)}] ${message}`);
  }

  write(file: string, text: string): void {
    fs.writeFileSync(path.join(this.dir, file), text);
  }

  /** An onOutput callback appending to `<dir>/<label>.log`. */
  engine(label: string): (out: string) => void {
    const file = path.join(this.dir, `${label}.log`);
    return (out: string) => fs.appendFileSync(file, out);
  }
}
